// The onnxruntime version compiled into one of its native libraries (core or provider). No
// dependencies: scripts/gpu-setup.ts uses it before any onnxruntime is loaded.

import { closeSync, openSync, readSync, statSync } from 'node:fs';

const versionCache = new Map<string, string | null>();

/**
 * Finds the "\0" 1.NN.N "\0" version string onnxruntime compiles into its libraries, reading the
 * file in chunks (the CUDA provider is 230 MB). Cached per path, size and time.
 */
export function libraryVersion(file: string): string | null {
  const st = statSync(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  if (versionCache.has(key)) return versionCache.get(key)!;
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(8 << 20);
  const needle = Buffer.from('\u00001.', 'latin1');
  let found: string | null = null;
  try {
    for (let pos = 0; !found;) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      const view = chunk.subarray(0, n);
      for (let i = view.indexOf(needle); i !== -1 && !found; i = view.indexOf(needle, i + 1)) {
        const text = view.toString('latin1', i + 1, i + 12);
        const end = text.indexOf('\u0000');
        const m = end > 0 ? /^1\.(\d{1,2})\.(\d{1,2})$/.exec(text.slice(0, end)) : null;
        if (m && Number(m[1]) >= 10) found = `1.${m[1]}.${m[2]}`;
      }
      if (n < chunk.length) break;
      pos += n - 12; // a match across the chunk boundary is found in the next chunk
    }
  } finally {
    closeSync(fd);
  }
  versionCache.set(key, found);
  return found;
}
