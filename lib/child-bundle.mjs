// A TypeScript script as plain JavaScript: the script and the app's modules it imports bundled into
// one file by esbuild (packages stay imports, resolved from node_modules when it runs), so a process
// runs on plain Node instead of compiling each module through tsx. tsx costs a process ~50 MB of
// resident memory for good (its module hooks run on a thread of their own, with a V8 heap of their
// own, and it keeps an esbuild service beside it) and its compile, 0.3-0.6 s of CPU at every start
// of the export's child. npm start (scripts/run.mjs) runs itself, the web server, the training
// workers and the inference server this way; the export's child too (lib/child-process.ts).
//
// Each module keeps its own place: `import.meta.url`, `.dirname` and `.filename` in the app's
// sources are the source file's, not the bundle's, so paths made from them (the migrations folder,
// the engine's worker threads, which still start from TypeScript through tsx) stay right.
//
// The bundle is kept under node_modules/.cache/ and rebuilt when one of its sources (esbuild's
// metafile lists them) is newer than it or gone, so an edited source never runs stale. Plain
// JavaScript (with its types in child-bundle.d.mts) because npm start's first process has no
// TypeScript loader to read it with.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, stop, version } from "esbuild";

/** Where the bundles are kept, from the app's root (inside node_modules, so their imports of packages resolve). */
const CHILD_BUNDLE_DIR = "node_modules/.cache/rlhf-studio/children";

/** @typedef {{ inputs: string[]; chunks: string[]; builtAt: number; esbuild: string }} Manifest What a bundle was built from (its sources, from the root), the chunks it loads, the build's start time, and esbuild's version. */

/** @type {Map<string, Promise<string>>} */
const pending = new Map();

/**
 * The bundle of `script` (relative to `root`), built or rebuilt first when it is missing or stale.
 * @param {string} root
 * @param {string} script
 * @returns {Promise<string>}
 */
export function childBundle(root, script) {
  const out = bundlePath(root, script);
  if (isFresh(root, out)) return Promise.resolve(out);
  let p = pending.get(out);
  if (!p) {
    p = rebuild(root, script, out).finally(() => {
      pending.delete(out);
      // esbuild's service process (~15 MB) would otherwise live as long as this one; the next build starts it again
      if (pending.size === 0) void stop();
    });
    pending.set(out, p);
  }
  return p;
}

/**
 * Where the bundle of `script` (relative to `root`) is kept, built or not.
 * @param {string} root
 * @param {string} script
 */
export const bundlePath = (root, script) => path.join(root, CHILD_BUNDLE_DIR, script.replace(/\.[cm]?tsx?$/, ".mjs"));

/**
 * Node's arguments that run `script` (relative to `root`): its bundle, or the script through tsx
 * when it cannot be bundled (e.g. a read-only node_modules: it still runs, only heavier and slower to start).
 * @param {string} root
 * @param {string} script
 * @returns {Promise<string[]>}
 */
export async function nodeEntry(root, script) {
  try {
    return [await childBundle(root, script)];
  } catch (e) {
    console.warn(`${script} could not be bundled (${e instanceof Error ? e.message : String(e)}); running it through tsx`);
    return ["--import", "tsx", path.join(root, script)];
  }
}

/** @param {string} out @returns {Manifest | null} */
function readManifest(out) {
  try {
    return JSON.parse(fs.readFileSync(`${out}.json`, "utf8"));
  } catch {
    return null;
  }
}

/** @param {string} root @param {string} out */
function isFresh(root, out) {
  const m = readManifest(out);
  if (!m || m.esbuild !== version || !fs.existsSync(out) || !m.chunks?.every((c) => fs.existsSync(path.join(root, c)))) return false;
  return m.inputs.every((f) => {
    try {
      return fs.statSync(path.join(root, f)).mtimeMs < m.builtAt;
    } catch {
      return false; // a source gone: rebuild (and fail there if it is still imported)
    }
  });
}

const IMPORT_META = /\bimport\.meta\.(url|dirname|filename)\b/g;
const LOADERS = /** @type {const} */ ({ ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx" });

/**
 * An esbuild plugin: in the app's TypeScript sources, `import.meta.url`, `.dirname` and `.filename`
 * become the source file's own (a bundle's would be its own, under node_modules/.cache/).
 * @type {import("esbuild").Plugin}
 */
const sourcePlaces = {
  name: "source-places",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      const place = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
      return {
        contents: text.replace(IMPORT_META, (_, k) => JSON.stringify(place[/** @type {keyof typeof place} */ (k)])),
        loader: LOADERS[/** @type {keyof typeof LOADERS} */ (path.extname(args.path))],
      };
    });
  },
};

/**
 * An esbuild plugin: a package's file imported by a path without its extension (`next/server`),
 * from a package with no "exports" map, is written with it (`next/server.js`), as Node's loader of
 * ES modules requires (tsx and bundlers add it themselves). The import stays an import.
 * @param {string} root
 * @returns {import("esbuild").Plugin}
 */
const packageFiles = (root) => ({
  name: "package-files",
  setup(b) {
    b.onResolve({ filter: /^(@[^/]+\/)?[^./:][^/:]*\/[^.:]+$/ }, (args) => {
      const [scope, name] = args.path.startsWith("@") ? args.path.split("/") : ["", args.path.split("/")[0]];
      const pkg = path.join(root, "node_modules", scope, name);
      try {
        if (JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")).exports) return undefined;
      } catch {
        return undefined; // not a package found here: left to esbuild
      }
      const file = path.join(root, "node_modules", args.path);
      if (fs.existsSync(`${file}.js`)) return { path: `${args.path}.js`, external: true };
      if (fs.existsSync(path.join(file, "index.js"))) return { path: `${args.path}/index.js`, external: true };
      return undefined;
    });
  },
});

/**
 * Builds the bundle. A module the script imports lazily (`await import(...)`) stays lazy: it is a
 * chunk of its own, loaded when that import runs, with the packages only it imports (the web
 * server's routes reach next/headers only after Next.js has set itself up; a worker's trainers load
 * with its first run). Chunks are named by their content and never removed, so a process started on
 * an earlier build still finds its chunks after a rebuild; the script's own file is written under a
 * temporary name and renamed.
 * @param {string} root @param {string} script @param {string} out
 */
async function rebuild(root, script, out) {
  const builtAt = Date.now(); // before reading: a source edited during the build makes the next call rebuild
  const result = await build({
    absWorkingDir: root,
    entryPoints: [script],
    outdir: path.join(root, CHILD_BUNDLE_DIR),
    outbase: root,
    entryNames: "[dir]/[name]",
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    splitting: true,
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external",
    plugins: [sourcePlaces, packageFiles(root)],
    metafile: true,
    logLevel: "silent",
  });
  for (const f of result.outputFiles) {
    if (f.path === out || fs.existsSync(f.path)) continue; // a chunk already written holds the same text (its name is its hash)
    writeAtomically(f.path, f.contents);
  }
  const entry = result.outputFiles.find((f) => f.path === out);
  if (!entry) throw new Error(`esbuild did not write ${out}`);
  writeAtomically(out, entry.contents);
  /** @type {Manifest} */
  const chunks = result.outputFiles.filter((f) => f.path !== out).map((f) => path.relative(root, f.path));
  const manifest = { inputs: Object.keys(result.metafile.inputs), chunks, builtAt, esbuild: version };
  writeAtomically(`${out}.json`, JSON.stringify(manifest));
  return out;
}

/** @param {string} file @param {string | Uint8Array} data */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, data);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}
