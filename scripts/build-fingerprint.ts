// Whether `.next` was built from the sources as they are now: a hash of the paths, sizes and
// modification times of everything `next build` reads.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const INPUTS = [
  "app",
  "components",
  "lib",
  "types",
  "next.config.js",
  "package-lock.json",
  "postcss.config.mjs",
  "proxy.ts",
  "prisma/schema.prisma",
  "tsconfig.json",
];
const SKIP = new Set(["node_modules", ".next", "generated"]);

function walk(p: string, out: string[]) {
  if (!fs.existsSync(p)) return;
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) if (!SKIP.has(name)) walk(path.join(p, name), out);
  } else out.push(`${p}:${st.size}:${Math.floor(st.mtimeMs)}`);
}

export function sourceFingerprint(root: string): string {
  const out: string[] = [];
  for (const i of INPUTS) walk(path.join(root, i), out);
  return crypto.createHash("sha256").update(out.join("\n")).digest("hex");
}

export const FINGERPRINT_FILE = ".next/rlhf-source-fingerprint";
