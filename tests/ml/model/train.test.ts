import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteTokenizer, chatDataset, encodeChat, loadCheckpoint, readChatExamples, trainLM, type TrainProgress } from '../../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(40);
const tiny = { model: 'tiny' as const, batchSize: 4, seqLen: 32, warmupSteps: 2, maxLr: 3e-3, minLr: 3e-4, evalBatches: 2 };

describe('trainLM', () => {
  it('pretrains in a worker thread: loss falls, progress is reported, checkpoints are whole', async () => {
    const data = path.join(dir, 'corpus.txt');
    writeFileSync(data, TEXT);
    const out = path.join(dir, 'base');
    const events: TrainProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await trainLM({ ...tiny, mode: 'pretrain', data: [data], out, steps: 30, evalEvery: 10, saveEvery: 10 }, { onProgress: (p) => events.push(p) });
    clearInterval(timer);
    const steps = events.filter((e) => e.event === 'step');
    expect(steps).toHaveLength(30);
    expect(steps[29].loss).toBeLessThan(steps[0].loss - 1.5);
    expect(steps[5]).toMatchObject({ step: 6, steps: 30 });
    expect(steps[5].tokensPerSec).toBeGreaterThan(0);
    expect(steps[5].etaSec).toBeGreaterThan(0);
    expect(steps[1].lr).toBeGreaterThan(steps[0].lr); // warmup
    expect(events.filter((e) => e.event === 'eval')).toHaveLength(3);
    expect(events.filter((e) => e.event === 'save')).toHaveLength(3);
    expect(r.valLoss).toBeLessThan(steps[0].loss - 1.5);
    expect(ticks).toBeGreaterThan(0); // the event loop ran while the worker trained
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
    const ck = loadCheckpoint(out);
    expect(ck.trainerState).toMatchObject({ step: 30 });
    expect(Object.keys(ck.optimizer!)).toContain('m.wte.weight');

    // resume continues from step 30 with the saved moments
    const more = await trainLM({ ...tiny, mode: 'pretrain', data: [data], out, steps: 35, evalEvery: 0, resume: true });
    expect(more.step).toBe(35);
    expect(more.loss).toBeLessThan(steps[29].loss + 0.5);
  });

  it('several optimizer steps per engine run train exactly as one per run, around evaluations and the end', async () => {
    const data = path.join(dir, 'corpus-k.txt');
    writeFileSync(data, TEXT);
    const losses: Record<number, number[]> = {};
    for (const stepsPerRun of [1, 4, 8]) {
      const events: TrainProgress[] = [];
      // 20 steps with evaluations every 10: chained runs (4: 0-3, 4-7, 10-13, 14-17; 8: 0-7, 10-17) and single steps
      // where a run would cross step 10 or the end (8, 9, 18, 19)
      await trainLM(
        { ...tiny, mode: 'pretrain', data: [data], out: path.join(dir, `k${stepsPerRun}`), steps: 20, evalEvery: 10, saveEvery: 0, stepsPerRun, worker: false },
        { onProgress: (p) => events.push(p) },
      );
      const steps = events.filter((e) => e.event === 'step');
      expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(events.filter((e) => e.event === 'eval').map((e) => e.step)).toEqual([10, 20]);
      losses[stepsPerRun] = steps.map((e) => e.loss);
    }
    const a = loadCheckpoint(path.join(dir, 'k1'));
    const w = 'h.0.mlp.c_fc.weight';
    for (const k of [4, 8]) {
      for (let i = 0; i < 20; i++) expect(losses[k][i]).toBeCloseTo(losses[1][i], 4);
      const b = loadCheckpoint(path.join(dir, `k${k}`));
      const diff = Math.max(...Array.from(a.params[w], (x, i) => Math.abs(x - b.params[w][i])));
      expect(diff).toBeLessThan(1e-4);
      expect(b.trainerState).toMatchObject({ step: 20 });
    }
  });

  it('SFT counts response tokens only and stops early when validation stops improving', async () => {
    const tok = new ByteTokenizer();
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ prompt: `add ${i} and 1`, response: `${i + 1}` }));
    const data = path.join(dir, 'sft.jsonl');
    writeFileSync(data, lines.join('\n'));
    const examples = readChatExamples([data]);
    const batch = chatDataset(tok, examples, 1, { seqLen: 32, overlong: 'truncate' }).batch(2, 32, 0, 0);
    const chat = encodeChat(tok, examples[0]);
    expect(chat.responseMask.reduce((a, b) => a + b, 0)).toBe(2); // "1" + eos
    expect(batch.tokens).toBeGreaterThan(0);
    expect(batch.tokens).toBeLessThan(8); // a few response tokens per row, not the prompt
    const r = await trainLM({
      ...tiny,
      mode: 'sft',
      data: [data],
      out: path.join(dir, 'sft'),
      steps: 200,
      evalEvery: 1,
      patience: 1,
      valFraction: 0.2,
      maxLr: 0.5,
      minLr: 0.5,
      saveEvery: 0,
      worker: false,
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.step).toBeLessThan(200);
  });

  it('names the bad field', async () => {
    await expect(trainLM({ data: ['x'], batchSize: 0 })).rejects.toThrow(/batchSize must be an integer >= 1/);
    await expect(trainLM({ ...tiny, data: [path.join(dir, 'nope.txt')], out: path.join(dir, 'x'), steps: 1 })).rejects.toThrow(/nope\.txt cannot be read/);
    await expect(trainLM({ ...tiny, seqLen: 100, data: ['x'] })).rejects.toThrow(/seqLen 100 exceeds the model's context nCtx = 64/);
  });
});
