// The repository's own TypeScript sources, for tests that read the code as text (the environment
// table, the id schema, ml/'s entries).
import fs from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The .ts and .tsx files under `dir`, as paths relative to the repository root; the generated Prisma client is left out. */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}
