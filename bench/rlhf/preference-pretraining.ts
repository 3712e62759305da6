// Where the reward model starts: a decoder larger than the policy (the SFT model's blocks, then
// fresh blocks that start as the identity), trained first on comparisons made from the web text
// alone (preference-model pretraining, Askell et al. 2021, PMP: each note's answer ranked above
// random edits of it), then on the labelers' rankings (stages-rl.ts rewardStage).
//
// The oracle stays out of it: the edits are blind (letters swapped, dropped, inserted, replaced,
// doubled), so an edit may even fix a wrong web answer. No correctness label is read or written.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initGPT, loadCheckpoint, prng, saveCheckpoint, trainRewardModel } from '../../ml/index';
import { tok } from './policy';
import type { BenchSettings } from './settings';
import { writeLines } from './stages';

/**
 * Writes `src`'s decoder with `extra` more blocks on top. The new blocks get fresh weights
 * (seeded) except their output projections (attn.c_proj, mlp.c_proj), which start at zero: each
 * new block adds nothing to the residual stream, so the deeper model computes exactly `src`.
 */
export function deepenDecoder(src: string, dst: string, extra: number, seed: number): string {
  if (!Number.isInteger(extra) || extra < 0) throw new Error(`deepenDecoder: extra must be a non-negative integer of blocks, got ${extra}`);
  const ck = loadCheckpoint(src);
  const L = ck.config.nLayer;
  const config = { ...ck.config, nLayer: L + extra };
  const params: Record<string, Float32Array> = {};
  for (const [name, fresh] of Object.entries(initGPT(config, seed))) {
    const block = /^h\.(\d+)\./.exec(name);
    if (!block || Number(block[1]) < L) params[name] = ck.params[name];
    else params[name] = /\.c_proj\./.test(name) ? new Float32Array(fresh.length) : fresh;
  }
  if (ck.tokenizer !== 'byte') throw new Error(`deepenDecoder: ${src} does not use the byte tokenizer the benchmark trains with`);
  saveCheckpoint(dst, config, params, { tokenizer: 'byte', bos: tok.bos, eos: tok.eos });
  return dst;
}

const LETTERS = 'abcdefghij';

/** One blind edit of `a`: two letters swapped, one dropped, inserted, replaced by another or doubled. */
export function blindEdit(a: string, rand: () => number): string {
  const at = (n: number) => Math.floor(rand() * n);
  const i = at(a.length);
  const kind = rand();
  if (kind < 0.25 && a.length > 1) {
    const j = (i + 1 + at(a.length - 1)) % a.length; // any other position
    const x = [...a];
    [x[i], x[j]] = [x[j], x[i]];
    return x.join('');
  }
  if (kind < 0.45 && a.length > 1) return a.slice(0, i) + a.slice(i + 1);
  if (kind < 0.65) return a.slice(0, i) + LETTERS[at(LETTERS.length)] + a.slice(i);
  if (kind < 0.85) {
    const other = LETTERS.replace(a[i], '');
    return a.slice(0, i) + other[at(other.length)] + a.slice(i + 1);
  }
  return a.slice(0, i + 1) + a.slice(i);
}

/**
 * PMP comparisons from the web text's first `n` notes ("Q: ...\nA: ...") in the whole-ranking
 * layout: the note's answer in the first tier, `rivals` distinct edits of it (one or two edits
 * each) tied in the second. Web answers never end with a full stop and chat answers sometimes do:
 * in a `stopShare` of the groups every answer gets one, so the ending alone tells nothing.
 */
export function pmpRankings(webText: string, n: number, rivals: number, seed: number, stopShare = 0.3): string[] {
  const rand = prng(seed);
  const notes = [...webText.matchAll(/^Q: (.+)\nA: (.+)$/gm)].slice(0, n);
  if (notes.length < n) throw new Error(`the web text holds ${notes.length} notes, fewer than the ${n} preference-model pretraining asks for`);
  return notes.map(([, prompt, answer]) => {
    const responses = [answer];
    for (let tries = 0; responses.length <= rivals && tries < 50; tries++) {
      const e = rand() < 0.4 ? blindEdit(blindEdit(answer, rand), rand) : blindEdit(answer, rand);
      if (!responses.includes(e)) responses.push(e);
    }
    const stop = rand() < stopShare ? '.' : ''; // the same ending on every answer: it decides nothing here
    return JSON.stringify({
      prompt: [{ role: 'user', content: prompt }],
      responses: responses.map((x) => x + stop),
      tiers: [[0], responses.slice(1).map((_, i) => i + 1)],
    });
  });
}

export interface PMPResult {
  out: string;
  layers: number;
  steps: number;
}

/** The reward model's starting point: the SFT model deepened, then trained on PMP comparisons from the web text. */
export async function pmpStage(s: BenchSettings, dir: string, sft: string, webText: string): Promise<PMPResult> {
  const p = s.rm.pmp;
  const deep = deepenDecoder(sft, path.join(dir, 'rm-init'), s.rm.extraLayers, s.seed + 6);
  const data = writeLines(path.join(dir, 'pmp.jsonl'), pmpRankings(readFileSync(webText, 'utf8'), p.notes, p.rivals, s.seed * 31 + 4));
  const r = await trainRewardModel({
    init: deep,
    data: [data],
    valFraction: 0,
    format: 'rankings',
    out: path.join(dir, 'rm-pmp'),
    epochs: p.epochs,
    batchSize: s.rm.batchSize,
    maxLr: p.maxLr,
    minLr: p.maxLr / 10,
    seed: s.seed + 6,
    worker: false,
  });
  const layers = s.model.nLayer! + s.rm.extraLayers;
  console.log(`  pmp: ${p.notes} web notes x ${p.rivals} blind edits, ${r.steps} steps, ${layers} layers`);
  return { out: r.out, layers, steps: r.steps };
}
