// First start on an empty database: an admin account, and the demo project unless SEED_DEMO=0.
import "server-only";
import { generatePassword, hashPassword } from "./auth/password";
import type { Db } from "./db";
import { DEMO_ANSWER_SETS, DEMO_DEMONSTRATION_PROMPTS, DEMO_PROJECT } from "./demo/data";
import { addPrompt, addRankingTask } from "./labeling/tasks";
import { seedProjectMembers } from "./membership/members";

/** Creates the first admin when there are no users. Returns the password only if it was generated. */
export async function ensureAdmin(
  db: Db,
  opts: { email?: string; password?: string },
): Promise<{ created: boolean; email: string; generatedPassword?: string }> {
  const email = (opts.email ?? "admin@localhost").trim().toLowerCase();
  if ((await db.user.count()) > 0) return { created: false, email };
  const generatedPassword = opts.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(opts.password ?? generatedPassword!);
  await db.user.create({ data: { email, name: "Admin", role: "admin", passwordHash } });
  return { created: true, email, generatedPassword };
}

/** Seeds the demo project once, on a database with no projects. */
export async function seedDemo(db: Db): Promise<boolean> {
  if ((await db.project.count()) > 0) return false;
  const admin = await db.user.findFirst({ where: { role: "admin" }, select: { id: true } });
  await db.$transaction(
    async (tx) => {
      const project = await tx.project.create({ data: { ...DEMO_PROJECT, createdById: admin?.id } });
      await seedProjectMembers(tx, project.id, admin, "everyone");
      for (const text of DEMO_DEMONSTRATION_PROMPTS) {
        await addPrompt(tx, project, { messages: [{ role: "user", content: text }], format: "text", source: "demo" });
      }
      for (const set of DEMO_ANSWER_SETS) {
        const prompt = await addPrompt(tx, project, {
          messages: [{ role: "user", content: set.prompt }],
          format: "text",
          source: "demo",
        });
        await addRankingTask(
          tx,
          project,
          prompt.id,
          set.responses.map((text) => ({ text, source: "import" as const, sourceName: "demo" })),
        );
      }
    },
    { timeout: 60_000 },
  );
  return true;
}
