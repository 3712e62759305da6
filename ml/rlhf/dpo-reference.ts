// The reference policy's log-probabilities of every training and validation answer, computed once
// before training and cached in the run folder (dpo_reference.json), keyed by the reference
// weights and the sequences: a resumed run, or a rerun on the same data, does not recompute them.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REFERENCE_FILE = 'dpo_reference.json';

export interface ReferenceLogps {
  /** Σ log π_ref over the response tokens, per sequence. */
  sum: number;
  /** Response tokens (for the per-token mean of IPO). */
  count: number;
}

interface CacheFile {
  key: string;
  sums: number[];
  counts: number[];
}

/** The cache key: the reference folder's config and weights file (size, mtime) and the sequences. */
export function referenceKey(refDir: string, seqs: readonly (readonly number[])[], promptLens: readonly number[]): string {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(refDir, 'config.json')));
  const w = path.join(refDir, 'model.safetensors');
  if (existsSync(w)) {
    const st = statSync(w);
    h.update(`${path.resolve(w)}:${st.size}:${st.mtimeMs}`);
  }
  seqs.forEach((s, i) => h.update(`${promptLens[i]}|${s.join(',')};`));
  return h.digest('hex');
}

/** The cached values for `key`, or null when the folder holds none (or another key's). */
export function readReferenceCache(out: string, key: string, n: number): ReferenceLogps[] | null {
  const f = path.join(out, REFERENCE_FILE);
  if (!existsSync(f)) return null;
  try {
    const c = JSON.parse(readFileSync(f, 'utf8')) as CacheFile;
    if (c.key !== key || c.sums?.length !== n || c.counts?.length !== n) return null;
    return c.sums.map((sum, i) => ({ sum, count: c.counts[i] }));
  } catch {
    return null; // a damaged cache is recomputed
  }
}

/** Writes the cache atomically (temporary file, then rename). */
export function writeReferenceCache(out: string, key: string, values: readonly ReferenceLogps[]): void {
  mkdirSync(out, { recursive: true });
  const f = path.join(out, REFERENCE_FILE);
  const tmp = `${f}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ key, sums: values.map((v) => v.sum), counts: values.map((v) => v.count) } satisfies CacheFile));
  renameSync(tmp, f);
}
