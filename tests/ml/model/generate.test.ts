import { describe, expect, it } from 'vitest';
import { gptConfig, Generator, initGPT, logitsModel, padBatch, prng, sampleToken, Session } from '../../../ml/index';

const cfg = gptConfig('tiny');

function params(seed: number) {
  const p = initGPT(cfg, seed);
  const r = prng(seed + 1);
  for (const t of Object.values(p)) for (let i = 0; i < t.length; i++) t[i] += 0.3 * (r() - 0.5); // peaky logits
  return p;
}

describe('generation with a KV cache', () => {
  it('gives the same logits as recomputing the whole left-padded prefix, row by row', async () => {
    const p = params(3);
    const prompts = [
      [256, 10, 20, 30, 40, 50],
      [256, 7],
      [256, 99, 98, 97],
    ];
    const gen = await Generator.create(cfg, p, { intraOpThreads: 1 });
    const out = await gen.generate(prompts, { maxNewTokens: 6, temperature: 0.8, seed: 5, keepLogits: true });
    await gen.dispose();
    const V = cfg.vocabSize;
    for (let i = 0; i < 6; i++) {
      const seqs = prompts.map((pr, b) => [...pr, ...out.tokens[b].slice(0, i)]);
      const batch = padBatch(seqs, { padId: 0, side: 'left' });
      const s = await Session.create(logitsModel(cfg, batch.batch, batch.seq, { keyMask: true }));
      const full = (await s.run({ ...p, input_ids: batch.inputIds, position_ids: batch.positionIds, attention_mask: batch.attentionMask }))
        .logits as Float32Array;
      await s.dispose();
      for (let b = 0; b < prompts.length; b++) {
        const want = full.subarray(((b + 1) * batch.seq - 1) * V, (b + 1) * batch.seq * V);
        const got = out.stepLogits![i].subarray(b * V, (b + 1) * V);
        let d = 0;
        for (let v = 0; v < V; v++) d = Math.max(d, Math.abs(want[v] - got[v]));
        expect(d).toBeLessThan(1e-4);
      }
    }
    // log-probs: under the unscaled model and under the temperature-0.8 distribution
    const l0 = out.stepLogits![0].subarray(0, V);
    const lse = (s: number) => Math.log(Array.from(l0).reduce((a, x) => a + Math.exp(x * s), 0));
    const t = out.tokens[0][0];
    expect(out.modelLogprobs[0][0]).toBeCloseTo(l0[t] - lse(1), 4);
    expect(out.logprobs[0][0]).toBeCloseTo(l0[t] / 0.8 - lse(1 / 0.8), 4);
  });

  it('is seeded, stops at eos, and rejects a prompt longer than the context', async () => {
    const p = params(4);
    const gen = await Generator.create(cfg, p, { intraOpThreads: 1 });
    const a = await gen.generate([[256, 1, 2], [256]], { maxNewTokens: 10, seed: 9, topK: 20, topP: 0.9 });
    const b = await gen.generate([[256, 1, 2], [256]], { maxNewTokens: 10, seed: 9, topK: 20, topP: 0.9 });
    expect(a.tokens).toEqual(b.tokens);
    const eos = a.tokens[0][2];
    const c = await gen.generate([[256, 1, 2], [256]], { maxNewTokens: 10, seed: 9, topK: 20, topP: 0.9, eos });
    expect(c.tokens[0]).toEqual(a.tokens[0].slice(0, 3));
    expect(c.finished[0]).toBe(true);
    await expect(gen.generate([new Array(60).fill(1)], { maxNewTokens: 10 })).rejects.toThrow(
      /60 tokens plus maxNewTokens 10 exceeds the model's context nCtx = 64/,
    );
    await gen.dispose();
  });

  it('samples within top-k / top-p and reports the renormalized log-probability', () => {
    const logits = Float32Array.from([2, 1, 0.5, -1, -3]);
    const r = prng(1);
    for (let i = 0; i < 50; i++) {
      const s = sampleToken(logits, { topK: 2 }, r);
      expect(s.token).toBeLessThan(2);
      const z = Math.log(Math.exp(2) + Math.exp(1));
      expect(s.logprob).toBeCloseTo(logits[s.token] - z, 5);
    }
    expect(sampleToken(logits, { topP: 0.5 }, r).token).toBe(0);
    expect(sampleToken(logits, { temperature: 0 }, r)).toMatchObject({ token: 0, logprob: 0 });
  });
});

describe('generation in a worker thread', () => {
  it('gives the same tokens as in-thread generation and keeps the event loop free', async () => {
    const { GeneratorWorker } = await import('../../../ml/index');
    const p = params(5);
    const prompts = [
      [256, 1, 2, 3],
      [256, 4],
    ];
    const local = await Generator.create(cfg, p, { intraOpThreads: 1 });
    const want = await local.generate(prompts, { maxNewTokens: 8, seed: 2 });
    await local.dispose();
    const remote = new GeneratorWorker(cfg, p, { intraOpThreads: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const got = await remote.generate(prompts, { maxNewTokens: 8, seed: 2 });
    clearInterval(timer);
    await remote.dispose();
    expect(got.tokens).toEqual(want.tokens);
    expect(got.modelLogprobs).toEqual(want.modelLogprobs);
    expect(ticks).toBeGreaterThan(0);
  });
});
