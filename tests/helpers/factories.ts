// Test data made through the same lib functions the app uses. Names are unique per call, so
// test files can share one database and run in parallel.
import crypto from "node:crypto";
import type { Role } from "../../lib/auth/permissions";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { seedProjectMembers } from "../../lib/membership/members";
import { createUser } from "../../lib/users";

export const uniq = (prefix = "t") => `${prefix}-${crypto.randomBytes(5).toString("hex")}`;

export const TEST_PASSWORD = "correct horse battery";

export async function makeUser(role: Role = "labeler", password = TEST_PASSWORD): Promise<SessionUser & { password: string }> {
  const user = await createUser(db, null, { email: `${uniq(role)}@test.local`, name: "", role, password });
  return { id: user.id, email: user.email, name: user.name, role: user.role, password };
}

/** A project with `rankingTasks` answer sets of K answers and `demoPrompts` prompts needing demonstrations. */
export async function makeProject(
  opts: {
    k?: number;
    rankingsPerTask?: number;
    demonstrationsPerPrompt?: number;
    rankingTasks?: number;
    demoPrompts?: number;
    leaseMinutes?: number;
    maxDemonstrationChars?: number;
  } = {},
) {
  const { addPrompt, addRankingTask } = await import("../../lib/labeling/tasks");
  const k = opts.k ?? 4;
  return db.$transaction(
    async (tx) => {
      const slug = uniq("p");
      const project = await tx.project.create({
        data: {
          slug,
          name: slug,
          answersPerTask: k,
          rankingsPerTask: opts.rankingsPerTask ?? 2,
          demonstrationsPerPrompt: opts.demonstrationsPerPrompt ?? 0,
          leaseMinutes: opts.leaseMinutes ?? 30,
          maxDemonstrationChars: opts.maxDemonstrationChars ?? 20_000,
        },
      });
      // Like createProject's default: every user joins (makeUser joins every existing project).
      await seedProjectMembers(tx, project.id, null, "everyone");
      for (let i = 0; i < (opts.demoPrompts ?? 0); i++) {
        await addPrompt(tx, project, { messages: [{ role: "user", content: `demo prompt ${i} ${slug}` }], format: "text" });
      }
      const taskIds: string[] = [];
      const noDemos = { ...project, demonstrationsPerPrompt: 0 };
      for (let i = 0; i < (opts.rankingTasks ?? 0); i++) {
        const p = await addPrompt(tx, noDemos, { messages: [{ role: "user", content: `rank prompt ${i} ${slug}` }], format: "text" });
        const t = await addRankingTask(
          tx,
          project,
          p.id,
          Array.from({ length: k }, (_, j) => ({ text: `answer ${j} to ${i}`, source: "import" as const })),
        );
        taskIds.push(t.id);
      }
      return { project, taskIds };
    },
    { timeout: 120_000 },
  );
}
