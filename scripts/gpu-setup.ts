// npm run gpu:setup: installs the pinned GPU pair of onnxruntime under .gpu/onnxruntime, where
// ml/runtime/ort.ts picks it up: onnxruntime-node 1.29.0 (+ onnxruntime-common 1.29.0) with the
// CUDA 13 provider files of onnxruntime 1.29.0 (from the npm package
// com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9) beside its binding.
//
// Why a pair and not the project's onnxruntime-node 1.30.0: the provider library is loaded
// through onnxruntime's C++ provider bridge (it exports GetProvider; the core hands it a table of
// C++ virtual functions), which has no version negotiation, so a provider only works with the core
// of its own version. The only CUDA 13 provider on the registry says 1.29.0.
//
// Offline: GPU_SETUP_FROM=<folder> with the three .tgz files (`npm pack` names) installs from
// there; otherwise `npm pack` fetches them (about 190 MB) into .gpu/cache. Nothing here runs on
// `npm ci`: the packages are not dependencies.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { libraryVersion } from "../ml/runtime/lib-version";

export const PAIR = {
  ort: "1.29.0",
  provider: { name: "com.github.asus4.onnxruntime.linux-x64-gpu", version: "0.4.9" },
};
const TARBALLS = [`onnxruntime-node-${PAIR.ort}.tgz`, `onnxruntime-common-${PAIR.ort}.tgz`, `${PAIR.provider.name}-${PAIR.provider.version}.tgz`];
const PROVIDER_FILES = ["libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const gpu = path.join(root, ".gpu");
const fail = (msg: string): never => {
  console.error(`[gpu:setup] ${msg}`);
  process.exit(1);
};

if (process.platform !== "linux" || process.arch !== "x64") fail(`the CUDA provider files exist for linux x64 only, not ${process.platform} ${process.arch}.`);

const from = process.env.GPU_SETUP_FROM ? path.resolve(process.env.GPU_SETUP_FROM) : path.join(gpu, "cache");
fs.mkdirSync(from, { recursive: true });
const missing = TARBALLS.filter((t) => !fs.existsSync(path.join(from, t)));
if (missing.length && process.env.GPU_SETUP_FROM) fail(`${from} lacks ${missing.join(", ")}.`);
if (missing.length) {
  const specs = [`onnxruntime-node@${PAIR.ort}`, `onnxruntime-common@${PAIR.ort}`, `${PAIR.provider.name}@${PAIR.provider.version}`];
  console.log(`[gpu:setup] downloading ${specs.join(", ")} with npm pack (about 190 MB) into ${path.relative(root, from)}`);
  try {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", from, ...specs], { stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    fail("npm pack could not download the packages: on a machine without the registry, copy the three .tgz files there and set GPU_SETUP_FROM.");
  }
}

// Built in a temporary folder, then renamed into place: a half-finished install is never used.
const dest = path.join(gpu, "onnxruntime");
const tmp = `${dest}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });
const modules = path.join(tmp, "node_modules");
const untar = (tgz: string, into: string, members: string[]) => {
  fs.mkdirSync(into, { recursive: true });
  execFileSync("tar", ["xzf", path.join(from, tgz), "-C", into, "--strip-components=1", ...members], { stdio: "inherit" });
};
const ortDir = path.join(modules, "onnxruntime-node");
untar(TARBALLS[0], ortDir, ["package/package.json", "package/dist", "package/bin/napi-v6/linux/x64"]);
untar(TARBALLS[1], path.join(modules, "onnxruntime-common"), ["package/package.json", "package/dist"]);
const native = path.join(ortDir, "bin", "napi-v6", "linux", "x64");
const plugins = path.join(tmp, "provider");
untar(TARBALLS[2], plugins, [...PROVIDER_FILES.map((f) => `package/Plugins/Linux/x64/${f}`)]);
for (const f of PROVIDER_FILES) fs.renameSync(path.join(plugins, "Plugins", "Linux", "x64", f), path.join(native, f));
fs.rmSync(plugins, { recursive: true });

// the pair must agree: the provider's compiled-in version against the package's
const core = (JSON.parse(fs.readFileSync(path.join(ortDir, "package.json"), "utf8")) as { version: string }).version;
const provider = libraryVersion(path.join(native, PROVIDER_FILES[0]));
if (provider !== core) fail(`the provider says onnxruntime ${provider} but onnxruntime-node is ${core}: the pinned pair in scripts/gpu-setup.mjs is wrong.`);

fs.rmSync(dest, { recursive: true, force: true });
fs.renameSync(tmp, dest);
console.log(`[gpu:setup] installed onnxruntime-node ${core} with its CUDA 13 provider (${provider}) in ${path.relative(root, dest)}`);
console.log("[gpu:setup] the engine now loads it (ORT_NODE_DIR= with an empty value uses the CPU-only dependency again).");
console.log("[gpu:setup] CUDA 13 libraries (libcublas.so.13, libcudart.so.13, libcurand.so.10, cuDNN 9, NVRTC) must be on LD_LIBRARY_PATH.");
