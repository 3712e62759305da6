// The one place that loads onnxruntime-node. Normally the project's dependency; after
// `npm run gpu:setup` the pinned GPU pair in .gpu/onnxruntime (onnxruntime-node 1.29.0 with the
// CUDA 13 provider files of the same version beside its binding), because a provider library only
// works with the core library of its own version. ORT_NODE_DIR names another copy; set to "" it
// forces the dependency. Loaded with require (not a static import): the binding loads its core
// library on import, and two cores in one process would share one soname.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Ort = typeof import('onnxruntime-node');

const req = createRequire(import.meta.url);

/** Repository root (this file is ml/runtime/ort.ts). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run gpu:setup` installs the pinned GPU pair. */
const GPU_ORT_DIR = path.join(REPO_ROOT, '.gpu', 'onnxruntime', 'node_modules', 'onnxruntime-node');

/** The onnxruntime-node package folder this process uses. */
function ortPackageDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.ORT_NODE_DIR;
  if (chosen) return path.resolve(chosen);
  if (chosen === undefined && existsSync(path.join(GPU_ORT_DIR, 'package.json'))) return GPU_ORT_DIR;
  return path.dirname(path.dirname(req.resolve('onnxruntime-node'))); // .../onnxruntime-node/dist/index.js
}

export const ORT_DIR = ortPackageDir();
export const ort: Ort = req(ORT_DIR) as Ort;

/** onnxruntime-node's version, which is its core library's (the package ships the core). */
export const ORT_VERSION: string = (JSON.parse(readFileSync(path.join(ORT_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/** Folder holding onnxruntime-node's native libraries for this platform (binding, core, providers). */
export function nativeDir(dir = ORT_DIR): string {
  return path.join(dir, 'bin', 'napi-v6', process.platform, process.arch);
}
