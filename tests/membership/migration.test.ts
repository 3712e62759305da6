// The membership migration on a running install: every existing user becomes a member of every
// existing project, so nothing changes until an admin edits membership.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { listMigrations, migrate, MIGRATIONS_DIR } from "../../lib/db/migrate";

const MEMBERSHIP = "20261204190340_project_members_and_review";

it("makes every existing user a member of every existing project, with the project role their role implies", async () => {
  const fresh = await startEmbeddedPostgres({});
  const before = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-before-"));
  for (const m of listMigrations().filter((m) => m.name < MEMBERSHIP))
    fs.cpSync(path.join(MIGRATIONS_DIR, m.name), path.join(before, m.name), { recursive: true });
  const client = new pg.Client({ connectionString: fresh.url });
  try {
    await migrate(fresh.url, { dir: before, log: () => {} });
    await client.connect();
    const users = await client.query<{ id: string; role: string }>(
      `INSERT INTO "User" (email, role, "passwordHash", "updatedAt") VALUES
         ('l@x', 'labeler', 'x', now()), ('r@x', 'researcher', 'x', now()), ('a@x', 'admin', 'x', now()) RETURNING id, role::text`,
    );
    const projects = await client.query<{ id: string }>(
      `INSERT INTO "Project" (slug, name, "updatedAt") VALUES ('one', 'One', now()), ('two', 'Two', now()) RETURNING id`,
    );
    const applied = await migrate(fresh.url, { log: () => {} });
    expect(applied[0]).toBe(MEMBERSHIP);
    const { rows } = await client.query<{ projectId: string; userId: string; role: string }>(`SELECT "projectId", "userId", role::text FROM "ProjectMember"`);
    const want = projects.rows.flatMap((p) =>
      users.rows.map((u) => ({ projectId: p.id, userId: u.id, role: u.role === "labeler" ? "labeler" : "researcher" })),
    );
    const key = (r: { projectId: string; userId: string }) => `${r.projectId}:${r.userId}`;
    expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(want.sort((a, b) => key(a).localeCompare(key(b))));
  } finally {
    await client.end().catch(() => {});
    await fresh.stop();
  }
}, 300_000);
