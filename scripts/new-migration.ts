// npm run db:new-migration -- NAME
// Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql: the SQL from the committed
// migrations to prisma/schema.prisma, computed by Prisma's WASM schema engine on an in-memory
// PGlite. No database server is needed.
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS_DIR } from "../lib/db/migrate";
import { diffMigrationsToSchema } from "../lib/db/schema-engine";

const name = (process.argv[2] ?? "").trim();
if (!/^[a-z0-9_]{1,60}$/.test(name)) {
  console.error("Give the migration a name of lowercase letters, digits and _: npm run db:new-migration -- add_things");
  process.exit(2);
}
const sql = await diffMigrationsToSchema();
if (!sql) {
  console.log("schema.prisma matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
const tmp = path.join(dir, "migration.sql.tmp");
fs.writeFileSync(tmp, sql + "\n");
fs.renameSync(tmp, path.join(dir, "migration.sql"));
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
