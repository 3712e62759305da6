// Shared fixtures of the PPO tests: tiny byte-tokenizer policies and prompt files.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gptConfig, initGPT, prng, saveCheckpoint, trainLM, type GPTConfig } from '../../ml/index';

/** Smaller than PRESETS.tiny: one layer, the byte tokenizer's 262 tokens, 32 positions. */
export const TINY: GPTConfig = gptConfig('tiny', { vocabSize: 262, nCtx: 32, nLayer: 1 });

/** A random-init policy folder (byte tokenizer). */
export function randomPolicy(dir: string, config: GPTConfig = TINY, seed = 1): string {
  saveCheckpoint(dir, config, initGPT(config, seed), { tokenizer: 'byte' });
  return dir;
}

/** Prompts "w0".."w{n−1}" as {prompt} lines. */
export function writePrompts(file: string, n: number): string {
  writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `w${i}` })).join('\n'));
  return file;
}

/**
 * A quickly SFT'd policy (about a second): it answers every prompt with 3-6 random letters of
 * "abcdefgh" and eos, so 'a' is one letter in eight before PPO.
 */
export async function sftPolicy(dir: string): Promise<string> {
  const rand = prng(7);
  const letters = 'abcdefgh';
  const lines = Array.from({ length: 64 }, (_, i) => {
    const n = 3 + Math.floor(rand() * 4);
    const response = Array.from({ length: n }, () => letters[Math.floor(rand() * letters.length)]).join('');
    return JSON.stringify({ prompt: `w${i % 8}`, response });
  });
  const data = path.join(dir, 'sft.jsonl');
  writeFileSync(data, lines.join('\n'));
  const out = path.join(dir, 'sft');
  await trainLM({
    mode: 'sft',
    model: 'tiny',
    modelOverrides: { vocabSize: TINY.vocabSize, nCtx: TINY.nCtx, nLayer: TINY.nLayer },
    data: [data],
    out,
    steps: 60,
    batchSize: 8,
    seqLen: 16,
    maxLr: 1e-2,
    minLr: 1e-3,
    warmupSteps: 5,
    valFraction: 0,
    evalEvery: 0,
    saveEvery: 0,
    worker: false,
  });
  return out;
}
