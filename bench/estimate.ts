// npm run bench:estimate: the run estimator (ml/model/estimate.ts) against measured training runs.
// Each case pretrains 24 steps in a fresh process (bench/estimate-child.ts: engine runs of 8, 4 or 1
// steps by model size, so every case ends on a whole run) and compares its peak RSS and time per
// step with estimateRun. The shapes separate the formula's terms: weights
// (a wide model on a short batch), logits (a large vocabulary), layers and attention (long rows).
// The last line is one JSON object: each case's ratio estimate / measured, and "pass" when every
// memory ratio lies in [1 - TOL, 1 + TOL] (the estimator is meant to be close, and above rather
// than below: the refusal compares it with the machine's memory).
import { execFileSync } from 'node:child_process';
import { estimateRun, fmtBytes } from '../ml/model/estimate';
import { PRESETS, type GPTConfig } from '../ml/model/config';

export const MEMORY_TOLERANCE = 0.3;

export const CASES: { name: string; model: Partial<GPTConfig>; batchSize: number; seqLen: number; threads: number; steps?: number }[] = [
  { name: 'tiny', model: { vocabSize: 512, nCtx: 128, nEmbd: 128, nLayer: 2, nHead: 4 }, batchSize: 4, seqLen: 64, threads: 1 },
  { name: 'weights', model: { vocabSize: 4096, nCtx: 256, nEmbd: 512, nLayer: 8, nHead: 8 }, batchSize: 1, seqLen: 32, threads: 2 },
  { name: 'logits', model: { vocabSize: 8192, nCtx: 256, nEmbd: 128, nLayer: 2, nHead: 4 }, batchSize: 8, seqLen: 256, threads: 2 },
  { name: 'attention', model: { vocabSize: 512, nCtx: 512, nEmbd: 256, nLayer: 8, nHead: 4 }, batchSize: 4, seqLen: 512, threads: 2 },
  { name: 'mixed', model: { vocabSize: 4096, nCtx: 256, nEmbd: 384, nLayer: 6, nHead: 6 }, batchSize: 4, seqLen: 256, threads: 2 },
  // the largest shape the run form offers: GPT-2 124M at bench:gpt2's batch (8 steps: two engine runs of 4)
  { name: 'gpt2', model: { ...PRESETS.gpt2, nCtx: 256 }, batchSize: 4, seqLen: 256, threads: 2, steps: 8 },
];

const only = process.argv[2]?.split(',');
const results: Record<string, { memRatio: number; timeRatio: number }> = {};
for (const c of CASES.filter((x) => !only || only.includes(x.name))) {
  const model = { ...PRESETS.tiny, ...c.model };
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/estimate-child.ts', JSON.stringify({ ...c, model, steps: c.steps ?? 24 })], {
    encoding: 'utf8',
  });
  const m = JSON.parse(out.trim().split('\n').pop()!) as { maxRss: number; stepSec: number };
  const e = estimateRun({ kind: 'pretrain', model, batchSize: c.batchSize, seqLen: c.seqLen, threads: c.threads });
  results[c.name] = { memRatio: e.bytes.total / m.maxRss, timeRatio: e.stepSec / m.stepSec };
  console.log(
    `${c.name.padEnd(10)} ${e.basis}: peak RSS ${fmtBytes(m.maxRss)} measured, ${fmtBytes(e.bytes.total)} estimated (×${results[c.name].memRatio.toFixed(2)}; ` +
      `weights ${fmtBytes(e.bytes.weights)}, activations ${fmtBytes(e.bytes.activations)}); step ${m.stepSec.toFixed(3)} s measured, ${e.stepSec.toFixed(3)} s estimated  ` +
      `[raw ${JSON.stringify({ P: e.params, rss: m.maxRss, stepSec: m.stepSec })}]`,
  );
}
const pass = Object.values(results).every((r) => Math.abs(r.memRatio - 1) <= MEMORY_TOLERANCE);
console.log(JSON.stringify({ bench: 'estimate', tolerance: MEMORY_TOLERANCE, results, pass }));
