// Deterministic train/validation/test assignment by prompt, so one prompt never lands in two splits.
import { hash } from "node:crypto";
import { ExportError } from "./errors";

export type Split = "train" | "validation" | "test";
export type SplitOptions = {
  /** Fraction of prompts in validation, 0..1; default 0.1. */
  validation?: number;
  /** Fraction of prompts in test, 0..1; default 0. */
  test?: number;
  /** Changing the seed reshuffles which prompts go where; default "". */
  seed?: string;
};

/** A number in [0, 1) from the first 48 bits of sha256(seed + "\0" + key). */
export function unitHash(key: string, seed = ""): number {
  // one-shot hash: a Hash object per prompt was half of this function's time on a million-pair export
  return hash("sha256", `${seed}\u0000${key}`, "buffer").readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The split of a prompt, from its key (use the prompt's contentHash, so the same prompt text always
 * gets the same split): [0, test) → test, [test, test + validation) → validation, the rest → train.
 */
export function splitOf(promptKey: string, opts: SplitOptions = {}): Split {
  const validation = opts.validation ?? 0.1;
  const test = opts.test ?? 0;
  for (const [name, f] of [
    ["validation", validation],
    ["test", test],
  ] as const)
    if (!Number.isFinite(f) || f < 0 || f > 1) throw new ExportError("bad_fractions", `The ${name} fraction must be between 0 and 1, not ${f}.`);
  if (validation + test > 1) throw new ExportError("bad_fractions", `The validation and test fractions add up to ${validation + test}, more than 1.`);
  const u = unitHash(promptKey, opts.seed ?? "");
  if (u < test) return "test";
  if (u < test + validation) return "validation";
  return "train";
}
