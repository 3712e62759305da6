// The task family of the RLHF benchmark: short instructions a program can judge
// ("reverse abcd", "sort cab", ...). This module only makes prompts; what a correct answer is
// lives in the oracle (oracle.ts), which training code never imports.

import { prng } from '../../ml/index';

export const OPS = ['reverse', 'sort', 'double'] as const;
type Op = (typeof OPS)[number];

export interface Task {
  op: Op;
  /** The operand: lowercase letters. */
  arg: string;
  /** The instruction as the user writes it, e.g. "reverse abcd". */
  prompt: string;
}

/** A small alphabet keeps the tasks learnable by a tiny model in a few minutes of CPU. */
const LETTERS = 'abcdefghij';

/** One task drawn from `rand`. */
export function randomTask(rand: () => number): Task {
  const op = OPS[Math.floor(rand() * OPS.length)];
  const n = 2 + Math.floor(rand() * 3); // 2-4 letters
  let arg = '';
  for (let i = 0; i < n; i++) arg += LETTERS[Math.floor(rand() * LETTERS.length)];
  return { op, arg, prompt: `${op} ${arg}` };
}

/** Parses a prompt back into its task (the labelers and the evaluation see only prompt text). */
export function parseTask(prompt: string): Task {
  const m = /^(reverse|sort|double) ([a-j]+)$/.exec(prompt);
  if (!m) throw new Error(`"${prompt}" is not a prompt of the benchmark's task family`);
  return { op: m[1] as Op, arg: m[2], prompt };
}

/**
 * Disjoint prompt sets drawn from one seed: every named set gets `sizes[name]` distinct prompts
 * and no prompt is in two sets (held-out prompts are never trained on).
 */
export function promptSets<K extends string>(seed: number, sizes: Record<K, number>): Record<K, Task[]> {
  const rand = prng(seed);
  const seen = new Set<string>();
  const out = {} as Record<K, Task[]>;
  for (const [name, n] of Object.entries(sizes) as Array<[K, number]>) {
    const set: Task[] = [];
    for (let tries = 0; set.length < n; tries++) {
      if (tries > n * 100) throw new Error(`cannot draw ${n} distinct prompts for "${name}"`);
      const t = randomTask(rand);
      if (seen.has(t.prompt)) continue;
      seen.add(t.prompt);
      set.push(t);
    }
    out[name] = set;
  }
  return out;
}

/** Every prompt of the task family written anywhere in `text` (a prompt ends where its letters do). */
export function promptsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\b(?:reverse|sort|double) [a-j]+(?![a-j])/g)].map((m) => m[0]));
}

/**
 * The held-out prompts that appear in any training text (the file contents given): must be none.
 * Answers are scanned too, so a note that quotes a held-out prompt counts.
 */
export function heldOutOverlap(heldOut: readonly Task[], trainingTexts: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const text of trainingTexts) for (const p of promptsIn(text)) seen.add(p);
  return heldOut.map((t) => t.prompt).filter((p) => seen.has(p));
}
