// A child script as plain JavaScript: the script and the app's modules it imports bundled into one
// file by esbuild (packages stay imports, resolved from node_modules when it runs), so the child
// starts on plain Node instead of compiling each module through tsx at every start: 0.3-0.6 s of
// CPU for the export's child on this machine, seconds under load. The bundle is kept under
// node_modules/.cache/ and rebuilt when one of its sources (esbuild's metafile lists them) is
// newer than it or gone, so an edited source never runs stale.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { build, version } from "esbuild";

/** Where the bundles are kept, from the app's root (inside node_modules, so their imports of packages resolve). */
const CHILD_BUNDLE_DIR = "node_modules/.cache/rlhf-studio/children";

/** What a bundle was built from: its sources (from the root), the build's start time, and esbuild's version. */
type Manifest = { inputs: string[]; builtAt: number; esbuild: string };

const pending = new Map<string, Promise<string>>();

/** The bundle of `script` (relative to `root`), built or rebuilt first when it is missing or stale. */
export function childBundle(root: string, script: string): Promise<string> {
  const out = path.join(root, CHILD_BUNDLE_DIR, script.replace(/\.[cm]?tsx?$/, ".mjs"));
  if (isFresh(root, out)) return Promise.resolve(out);
  let p = pending.get(out);
  if (!p) {
    p = rebuild(root, script, out).finally(() => pending.delete(out));
    pending.set(out, p);
  }
  return p;
}

function readManifest(out: string): Manifest | null {
  try {
    return JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as Manifest;
  } catch {
    return null;
  }
}

function isFresh(root: string, out: string): boolean {
  const m = readManifest(out);
  if (!m || m.esbuild !== version || !fs.existsSync(out)) return false;
  return m.inputs.every((f) => {
    try {
      return fs.statSync(path.join(root, f)).mtimeMs < m.builtAt;
    } catch {
      return false; // a source gone: rebuild (and fail there if it is still imported)
    }
  });
}

async function rebuild(root: string, script: string, out: string): Promise<string> {
  const builtAt = Date.now(); // before reading: a source edited during the build makes the next call rebuild
  const tmp = `${out}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [script],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  const manifest: Manifest = { inputs: Object.keys(result.metafile.inputs), builtAt, esbuild: version };
  fs.renameSync(tmp, out);
  fs.writeFileSync(`${out}.json.${process.pid}.tmp`, JSON.stringify(manifest));
  fs.renameSync(`${out}.json.${process.pid}.tmp`, `${out}.json`);
  return out;
}
