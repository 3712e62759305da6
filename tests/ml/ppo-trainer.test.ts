import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, loadCheckpoint, readSafetensors, trainPPO, V_HEAD, type RLProgress, type RewardSample } from '../../ml/index';
import { sftPolicy, writePrompts } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'ppo-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let policy = '';
let prompts = '';
beforeAll(async () => {
  policy = await sftPolicy(dir);
  prompts = writePrompts(path.join(dir, 'prompts.jsonl'), 8);
});

/** The trivial reward: +1 per letter 'a' in the response. */
const countA = async (samples: RewardSample[]) => samples.map((s) => s.response.filter((t) => t === 97).length);
const base = { rolloutBatch: 16, miniBatch: 8, ppoEpochs: 2, maxNewTokens: 8, lr: 3e-3, beta: 0.02, valueInit: 'policy' as const, seed: 1 };
const steps = (events: RLProgress[]) => events.filter((e) => e.event === 'step').map((e) => e.metrics);

describe('trainPPO', () => {
  it('raises a trivial reward within a few iterations with the KL bounded; resume replays the uninterrupted run', async () => {
    const events: RLProgress[] = [];
    const out = path.join(dir, 'ppo-full');
    const r = await trainPPO({ ...base, policy, prompts: [prompts], out, iterations: 6, saveEvery: 3 }, { reward: countA, onProgress: (p) => events.push(p) }); // worker thread
    const m = steps(events);
    expect(m).toHaveLength(6);
    expect(r).toMatchObject({ out, iterations: 6, metrics: m[5] });
    expect(m[0].kl).toBeCloseTo(0, 4); // the first rollout comes from the reference itself
    expect(m[0].score).toBeLessThan(1);
    expect((m[4].score + m[5].score) / 2).toBeGreaterThan(m[0].score + 1); // more 'a's
    for (const x of m) {
      expect(x.kl).toBeLessThan(8);
      expect(x.approx_kl).toBeLessThan(0.1);
      expect(x.objective).toBeCloseTo(x.score - x.beta * x.kl, 10);
      for (const k of ['clip_frac', 'value_loss', 'value_clip_frac', 'policy_loss', 'entropy', 'response_length', 'no_eos_frac'])
        expect(Number.isFinite(x[k])).toBe(true);
    }
    expect(events.filter((e) => e.event === 'save').map((e) => e.step)).toEqual([3, 6]);
    expect(events.at(-1)).toMatchObject({ event: 'done', step: 6, steps: 6 });

    // the output is an ordinary decoder checkpoint: loads, generates, carries no extra tensors
    const ck = loadCheckpoint(out);
    expect(ck.extra).toEqual({});
    expect(ck.tokenizer).toBe('byte');
    expect(ck.trainerState).toMatchObject({ ppo: { iteration: 6, updates: 6 * 2 * 2 } });
    const gen = await Generator.create(ck.config, ck.params, { intraOpThreads: 1 });
    expect((await gen.generate([[256, 260, 119, 49, 261]], { maxNewTokens: 4, eos: 257 })).tokens[0].length).toBeGreaterThan(0);
    await gen.dispose();
    const state = readSafetensors(path.join(out, 'optimizer.safetensors'));
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['m.wte.weight', `value.${V_HEAD.weight}`, 'value.wte.weight', 'value.m.wte.weight']));

    // same seed, in this thread, stopped after 3 iterations then resumed: the same metrics, to the bit
    const part = path.join(dir, 'ppo-part');
    const first: RLProgress[] = [];
    await trainPPO({ ...base, policy, prompts: [prompts], out: part, iterations: 3, worker: false }, { reward: countA, onProgress: (p) => first.push(p) });
    const rest: RLProgress[] = [];
    const r2 = await trainPPO(
      { ...base, policy, prompts: [prompts], out: part, iterations: 6, resume: true, worker: false },
      { reward: countA, onProgress: (p) => rest.push(p) },
    );
    expect(steps(first)).toEqual(m.slice(0, 3));
    expect(rest.filter((e) => e.event === 'step').map((e) => e.step)).toEqual([4, 5, 6]);
    expect(steps(rest)).toEqual(m.slice(3));
    expect(r2.metrics).toEqual(r.metrics);
    // resuming a finished run trains no more and reports its last metrics
    const again: RLProgress[] = [];
    const r3 = await trainPPO(
      { ...base, policy, prompts: [prompts], out: part, iterations: 6, resume: true, worker: false },
      { reward: countA, onProgress: (p) => again.push(p) },
    );
    expect(r3).toEqual(r2);
    expect(again.map((e) => e.event)).toEqual(['done']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('shared body, adaptive KL and PPO-ptx: one model with the value head, β moves, the ptx loss is reported', async () => {
    const events: RLProgress[] = [];
    const out = path.join(dir, 'ppo-shared');
    await trainPPO(
      {
        ...base,
        policy,
        prompts: [prompts],
        out,
        iterations: 2,
        sharedBody: true,
        klTarget: 0.5,
        klHorizon: 100,
        ptxCoef: 0.5,
        ptxData: [path.join(dir, 'sft.jsonl')],
        worker: false,
      },
      { reward: countA, onProgress: (p) => events.push(p) },
    );
    const m = steps(events);
    expect(m[0].beta).toBe(0.02);
    expect(m[1].beta).toBeLessThan(0.02); // the first KL (0) is under the target: β falls
    expect(m[1].beta).toBeCloseTo(0.02 * (1 - (0.2 * 16) / 100), 12);
    for (const x of m) expect(x.ptx_loss).toBeGreaterThan(0);
    expect(m[1].value_loss).toBeGreaterThan(0);
    const state = readSafetensors(path.join(out, 'optimizer.safetensors'));
    expect(Object.keys(state)).toEqual(expect.arrayContaining([V_HEAD.weight, `m.${V_HEAD.weight}`]));
    expect(Object.keys(state).some((k) => k.startsWith('value.'))).toBe(false);
  });

  it('aborting stops after the current iteration and writes a checkpoint', async () => {
    const ac = new AbortController();
    const out = path.join(dir, 'ppo-abort');
    const events: RLProgress[] = [];
    const r = await trainPPO(
      { ...base, policy, prompts: [prompts], out, iterations: 50, saveEvery: 0 },
      { reward: countA, signal: ac.signal, onProgress: (p) => (events.push(p), p.event === 'step' && p.step === 1 && ac.abort()) },
    );
    expect(r.iterations).toBeLessThanOrEqual(2); // the abort arrives during iteration 1 or 2
    expect(loadCheckpoint(out).trainerState).toMatchObject({ ppo: { iteration: r.iterations } });
    expect(events.filter((e) => e.event === 'save')).toHaveLength(1);
  });
});
