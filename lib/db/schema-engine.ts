// Prisma's schema engine as WebAssembly, so new migrations can be written with no database
// server and no downloaded binary. The package's main entry needs --experimental-wasm-modules
// on Node 20, so the .wasm is instantiated here by hand. Its API is internal: the version is pinned.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { MIGRATIONS_DIR, listMigrations } from "./migrate";

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

const require = createRequire(import.meta.url);

async function loadEngineModule() {
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const dir = path.dirname(bgPath);
  const bg = await import(bgPath);
  const bytes = fs.readFileSync(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg as { SchemaEngine: { new: (o: unknown, log: unknown, a: unknown) => Promise<Engine> } };
}

let modulePromise: ReturnType<typeof loadEngineModule> | undefined;

const SCHEMA_PATH = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");
const LOCKFILE = 'provider = "postgresql"\n';

function migrationsTarget(dir: string) {
  return {
    tag: "migrations",
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: LOCKFILE },
    shadowDbInitScript: "",
    migrationDirectories: listMigrations(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

/**
 * The SQL that takes a database from the committed migrations to schema.prisma.
 * An empty string means the migrations already produce exactly the schema.
 */
export async function diffMigrationsToSchema(opts: { migrationsDir?: string; schemaPath?: string } = {}) {
  const mod = await (modulePromise ??= loadEngineModule());
  const schemaPath = opts.schemaPath ?? SCHEMA_PATH;
  const schema = fs.readFileSync(schemaPath, "utf8");
  const pglite = new PGlite();
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await mod.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, factory);
  try {
    const result = await engine.diff({
      from: migrationsTarget(opts.migrationsDir ?? MIGRATIONS_DIR),
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = (result.stdout ?? "").trim();
    return sql === "-- This is an empty migration." ? "" : sql;
  } finally {
    engine.free();
    await pglite.close();
  }
}
