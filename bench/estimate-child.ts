// One measured training run for bench/estimate.ts (a fresh process, so its peak RSS is its own):
// pretrain `steps` steps of the shape given as JSON in argv[2] on generated text, then print
// {maxRss, stepSec} as one JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainLM } from '../ml/train/index';

const c = JSON.parse(process.argv[2]) as { model: Record<string, number>; batchSize: number; seqLen: number; steps: number; threads: number };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'estimate-'));
const words = ['the', 'model', 'learns', 'a', 'preference', 'from', 'labelers', 'who', 'rank', 'answers', 'and', 'write'];
let text = '';
let s = 1;
while (text.length < (c.steps + 2) * c.batchSize * c.seqLen * 1.3) {
  s = (s * 48271) % 2147483647;
  text += words[s % words.length] + (s % 7 ? ' ' : '.\n');
}
fs.writeFileSync(path.join(dir, 'data.txt'), text);
// steps arrive in bursts, one per engine run (stepsPerRun: 8, 4 or 1 by model size), each burst's
// events in one synchronous loop: the first burst ends at the last step seen before the event loop
// turns. Time per step: from there to the last step.
const at = new Map<number, number>();
let firstRunEnd = 0;
let firstRunOpen = true;
try {
  await trainLM(
    {
      mode: 'pretrain',
      model: 'tiny',
      modelOverrides: c.model,
      out: path.join(dir, 'out'),
      data: [path.join(dir, 'data.txt')],
      batchSize: c.batchSize,
      seqLen: c.seqLen,
      steps: c.steps,
      evalEvery: 0,
      saveEvery: 0,
      valFraction: 0.2,
      evalBatches: 1,
      warmupSteps: 0,
      threads: c.threads,
    },
    {
      onProgress: (p) => {
        if (p.event !== 'step') return;
        at.set(p.step, performance.now());
        if (!firstRunOpen) return;
        if (firstRunEnd === 0) setImmediate(() => (firstRunOpen = false));
        firstRunEnd = p.step;
      },
    },
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const stepSec = ((at.get(c.steps) ?? NaN) - (at.get(firstRunEnd) ?? NaN)) / (c.steps - firstRunEnd) / 1000;
console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, stepSec, timedFrom: firstRunEnd }));
