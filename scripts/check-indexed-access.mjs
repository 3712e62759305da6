// Runs the project's typecheck with `noUncheckedIndexedAccess` and fails on the errors in the code
// where data crosses a boundary (app/, components/, lib/ except the generated Prisma client). The
// numeric code (ml/, bench/, tests/, scripts/) is left out: there nearly every error is typed-array
// indexing whose bounds the tensor shapes already guarantee.
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const tsc = path.join(root, "node_modules", ".bin", "tsc");
const r = spawnSync(tsc, ["--noEmit", "--noUncheckedIndexedAccess", "--pretty", "false"], {
  cwd: root,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (r.error) {
  console.error(`could not run tsc: ${r.error.message}`);
  process.exit(1);
}

// One diagnostic is a line "file(line,col): error TSnnnn: ..." plus any indented continuation lines.
const diagnostics = [];
for (const line of r.stdout.split("\n")) {
  if (/^\S.*\(\d+,\d+\): error TS\d+:/.test(line)) diagnostics.push([line]);
  else if (line.trim() !== "" && diagnostics.length > 0) diagnostics.at(-1).push(line);
}
const enforced = (d) => /^(app|components|lib)\//.test(d[0]) && !d[0].startsWith("lib/generated/");
const kept = diagnostics.filter(enforced);
const ignored = diagnostics.length - kept.length;

if (r.status !== 0 && diagnostics.length === 0) {
  // tsc failed without diagnostics we understand (bad tsconfig, crash): show what it said.
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(1);
}
if (kept.length > 0) {
  for (const d of kept) console.log(d.join("\n"));
  console.log(`\n${kept.length} unchecked-index error(s) in app/, components/, lib/ (${ignored} elsewhere ignored)`);
  process.exit(1);
}
console.log(`noUncheckedIndexedAccess: app/, components/, lib/ clean (${ignored} error(s) in ml/, bench/, tests/, scripts/ ignored)`);
