import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { listMigrations, migrate, MIGRATIONS_DIR } from "../../lib/db/migrate";
import { diffMigrationsToSchema } from "../../lib/db/schema-engine";
import { startEmbeddedPostgres } from "../../lib/db/embedded";

describe("migrations", () => {
  it("produce exactly the schema of schema.prisma (the diff is empty)", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });

  it("would be non-empty if schema.prisma had a model the migrations lack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-"));
    const schemaPath = path.join(dir, "schema.prisma");
    const schema = fs.readFileSync(path.resolve(MIGRATIONS_DIR, "../schema.prisma"), "utf8");
    fs.writeFileSync(schemaPath, schema + "\nmodel Extra {\n  id Int @id\n}\n");
    const sql = await diffMigrationsToSchema({ schemaPath });
    expect(sql).toContain('CREATE TABLE "Extra"');
  });

  it("apply once and record themselves, so a second run applies nothing", async () => {
    const fresh = await startEmbeddedPostgres({});
    try {
      const first = await migrate(fresh.url, { log: () => {} });
      expect(first).toEqual(listMigrations().map((m) => m.name));
      expect(await migrate(fresh.url, { log: () => {} })).toEqual([]);
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const { rows } = await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
      await client.end();
      expect(rows.map((r) => r.migration_name)).toEqual(first);
    } finally {
      await fresh.stop();
    }
  });

  it("roll back a migration that fails, leaving nothing half-applied", async () => {
    const fresh = await startEmbeddedPostgres({});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    fs.mkdirSync(path.join(dir, "001_ok"));
    fs.writeFileSync(path.join(dir, "001_ok/migration.sql"), "CREATE TABLE a (id int);");
    fs.mkdirSync(path.join(dir, "002_bad"));
    fs.writeFileSync(path.join(dir, "002_bad/migration.sql"), "CREATE TABLE b (id int); SELECT nonsense FROM nowhere;");
    try {
      await expect(migrate(fresh.url, { dir, log: () => {} })).rejects.toThrow(/Migration 002_bad failed/);
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('a','b')`);
      await client.end();
      expect(tables.rows.map((r) => r.table_name)).toEqual(["a"]);
    } finally {
      await fresh.stop();
    }
  });
});
