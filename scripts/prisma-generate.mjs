// Runs `prisma generate` offline: Prisma looks for a schema-engine binary it would
// otherwise download, so point it at a stub that exits 1 (see scripts/no-schema-engine.sh).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const bin = path.join(root, "node_modules", ".bin", "prisma");
if (!existsSync(bin)) {
  console.error("prisma is not installed; run npm ci first");
  process.exit(1);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts", "no-schema-engine.sh"),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const r = spawnSync(bin, ["generate"], { cwd: root, env, stdio: "inherit" });
process.exit(r.status ?? 1);
