// npm start's first writes to the database run in a process of their own (scripts/bootstrap.ts), so
// the long-lived start process never loads the ORM: on an empty database it creates the first admin
// with a generated password and the demo project, says so, and hands start.ts the sign-in as its last
// line; a second start changes nothing and says nothing. A fresh embedded database of its own.
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { appScript } from "../helpers/app-scripts";

const root = path.resolve(import.meta.dirname, "../..");
let embedded: EmbeddedPostgres;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({});
  await migrate(embedded.url, { log: () => {} });
}, 120_000);
afterAll(() => embedded.stop());

/** Runs the script asynchronously (this process serves its database); its exit code and stdout lines. */
async function bootstrap(): Promise<{ code: number | null; lines: string[] }> {
  const { NEXTAUTH_SECRET: _, ADMIN_PASSWORD: __, ...env } = process.env;
  const child = spawn(process.execPath, appScript("scripts/bootstrap.ts"), {
    cwd: root,
    env: { ...env, DATABASE_URL: embedded.url, ADMIN_EMAIL: "first@example.com" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  return { code, lines: out.trimEnd().split("\n") };
}

describe("npm start's database bootstrap", () => {
  it("creates the first admin and the demo project once, and hands back the sign-in as its last line", async () => {
    const first = await bootstrap();
    expect(first.code).toBe(0);
    expect(first.lines).toContain("[rlhf-studio] seeded the demo project");
    const admin = JSON.parse(first.lines.at(-1)!) as { created: boolean; email: string; generatedPassword?: string };
    expect(admin).toMatchObject({ created: true, email: "first@example.com" });
    expect(admin.generatedPassword).toMatch(/^\S{12,}$/);

    const c = new pg.Client({ connectionString: embedded.url });
    await c.connect();
    const { rows } = await c.query<{ users: number; projects: number }>(
      `SELECT (SELECT count(*)::int FROM "User" WHERE role = 'admin') AS users, (SELECT count(*)::int FROM "Project") AS projects`,
    );
    await c.end();
    expect(rows[0]).toEqual({ users: 1, projects: 1 });

    const again = await bootstrap();
    expect(again.code).toBe(0);
    expect(again.lines).toEqual([JSON.stringify({ created: false, email: "first@example.com" })]);
  }, 120_000);
});
