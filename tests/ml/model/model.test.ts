import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  arangePositions,
  encodeSafetensors,
  gptConfig,
  gptTensorShapes,
  Graph,
  hiddenAt,
  buildGPT,
  initGPT,
  loadCheckpoint,
  logitsModel,
  padBatch,
  prng,
  saveCheckpoint,
  Session,
  type GPTConfig,
} from '../../../ml/index';
import { referenceLogits } from './reference';

const cfg = gptConfig('tiny');
const dir = mkdtempSync(path.join(tmpdir(), 'gpt-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tiny weights with every tensor random (LayerNorm gains and biases too), so nothing hides. */
function randomParams(c: GPTConfig, seed: number): Record<string, Float32Array> {
  const p = initGPT(c, seed);
  const r = prng(seed + 1);
  for (const [name, t] of Object.entries(p)) {
    const scale = name.includes('ln_') && name.endsWith('weight') ? 0.2 : 0.1;
    for (let i = 0; i < t.length; i++) t[i] += scale * (r() - 0.5);
  }
  return p;
}

async function logits(c: GPTConfig, params: Record<string, Float32Array>, batch: ReturnType<typeof padBatch>, keyMask = true) {
  const s = await Session.create(logitsModel(c, batch.batch, batch.seq, { keyMask }));
  const feeds: Record<string, Float32Array | BigInt64Array> = { ...params, input_ids: batch.inputIds, position_ids: batch.positionIds };
  if (keyMask) feeds.attention_mask = batch.attentionMask;
  const out = (await s.run(feeds)).logits as Float32Array;
  await s.dispose();
  return out;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('GPT-2 model (tiny preset)', () => {
  const params = randomParams(cfg, 7);
  const rows = [
    [5, 17, 300, 2, 9, 44, 101, 7],
    [260, 72, 105, 257],
  ];

  it('matches a plain float64 reference, and left padding changes nothing for real tokens', async () => {
    const batch = padBatch(rows, { padId: 258, side: 'left' });
    const out = await logits(cfg, params, batch);
    const V = cfg.vocabSize;
    rows.forEach((ids, b) => {
      const ref = referenceLogits(cfg, params, ids);
      const start = batch.seq - ids.length;
      const got = out.subarray((b * batch.seq + start) * V, (b + 1) * batch.seq * V);
      expect(maxDiff(got, ref)).toBeLessThan(1e-4);
    });
  });

  it('right padding with causal attention alone gives the same logits on real tokens', async () => {
    const batch = padBatch(rows, { padId: 258, side: 'right' });
    batch.positionIds.set(arangePositions(batch.batch, batch.seq));
    const out = await logits(cfg, params, batch, false);
    const V = cfg.vocabSize;
    const ref = referenceLogits(cfg, params, rows[1]);
    expect(maxDiff(out.subarray(batch.seq * V, (batch.seq + rows[1].length) * V), ref)).toBeLessThan(1e-4);
  });

  it('round-trips through a Hugging Face-layout folder with identical logits', async () => {
    const where = path.join(dir, 'tiny');
    const extra = { 'score.weight': { data: new Float32Array(cfg.nEmbd).fill(0.5), shape: [1, cfg.nEmbd] } };
    saveCheckpoint(where, cfg, params, { tokenizer: 'byte', extra });
    const hf = JSON.parse(readFileSync(path.join(where, 'config.json'), 'utf8'));
    expect(hf).toMatchObject({ model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 2, n_positions: 64, vocab_size: 512, activation_function: 'gelu_new' });
    const ck = loadCheckpoint(where);
    expect(ck.config).toEqual(cfg);
    expect(ck.tokenizer).toBe('byte');
    expect(Array.from(ck.extra['score.weight'].data)).toEqual(Array.from(extra['score.weight'].data));
    const batch = padBatch(rows, { padId: 258, side: 'left' });
    expect(Array.from(await logits(cfg, ck.params, batch))).toEqual(Array.from(await logits(cfg, params, batch)));
  });

  it('accepts the transformer. prefix and Conv1D layout, as exported by transformers', async () => {
    const where = path.join(dir, 'prefixed');
    saveCheckpoint(where, cfg, params);
    const tensors = Object.fromEntries(gptTensorShapes(cfg).map(([name, shape]) => [`transformer.${name}`, { data: params[name], shape }]));
    tensors['lm_head.weight'] = { data: params['wte.weight'], shape: [cfg.vocabSize, cfg.nEmbd] };
    writeFileSync(path.join(where, 'model.safetensors'), encodeSafetensors(tensors));
    const ck = loadCheckpoint(where);
    expect(Object.keys(ck.extra)).toEqual([]);
    expect(Array.from(ck.params['h.1.attn.c_attn.weight'])).toEqual(Array.from(params['h.1.attn.c_attn.weight']));
  });

  it('writes model.safetensors tensor by tensor with the same bytes as encodeSafetensors', () => {
    const where = path.join(dir, 'streamed');
    saveCheckpoint(where, cfg, params, { optimizer: { 'm.wte.weight': params['wte.weight'] } });
    const tensors = Object.fromEntries(gptTensorShapes(cfg).map(([name, shape]) => [name, { data: params[name], shape }]));
    expect(Buffer.compare(readFileSync(path.join(where, 'model.safetensors')), Buffer.from(encodeSafetensors(tensors)))).toBe(0);
    const opt = encodeSafetensors({ 'm.wte.weight': { data: params['wte.weight'], shape: [params['wte.weight'].length] } });
    expect(Buffer.compare(readFileSync(path.join(where, 'optimizer.safetensors')), Buffer.from(opt))).toBe(0);
  });

  it('names the tensor whose shape does not match the config, and the missing file', () => {
    const where = path.join(dir, 'bad');
    saveCheckpoint(where, cfg, params);
    const cfgFile = path.join(where, 'config.json');
    const hf = JSON.parse(readFileSync(cfgFile, 'utf8'));
    writeFileSync(cfgFile, JSON.stringify({ ...hf, n_embd: 64 }));
    expect(() => loadCheckpoint(where)).toThrow(/model\.safetensors: tensor wte\.weight has shape \[512, 32\] but config\.json needs \[512, 64\]/);
    writeFileSync(cfgFile, JSON.stringify({ ...hf, n_head: 3 }));
    expect(() => loadCheckpoint(where)).toThrow(/config\.json: nEmbd \(32\) must be a multiple of nHead \(3\)/);
    writeFileSync(cfgFile, JSON.stringify({ ...hf, n_layer: -1 }));
    expect(() => loadCheckpoint(where)).toThrow(/config\.json: nLayer must be an integer/);
    rmSync(path.join(where, 'model.safetensors'));
    expect(() => loadCheckpoint(where)).toThrow(/is missing model\.safetensors/);
  });

  it('exposes the body for heads: hidden states at the last real token of each row', async () => {
    const g = new Graph();
    const m = buildGPT(g, cfg, { batch: 2, seq: 8 });
    const last = g.input('last', 'int64', [2]);
    const h = hiddenAt(g, m.hidden, last); // (2, C)
    const w = g.param('score.weight', [cfg.nEmbd, 1]);
    const reward = g.reshape(g.matmul(h, w), [2]);
    const s = await Session.create(g.toModel({ outputs: { reward, hidden: m.hidden } }));
    const batch = padBatch(rows, { padId: 258, side: 'right' });
    const weight = new Float32Array(cfg.nEmbd).fill(0.1);
    const out = await s.run({
      ...params,
      'score.weight': weight,
      input_ids: batch.inputIds,
      position_ids: arangePositions(2, 8),
      last: BigInt64Array.from([7n, 3n]),
    });
    await s.dispose();
    const hidden = out.hidden as Float32Array;
    const C = cfg.nEmbd;
    const want = (b: number, t: number) => hidden.subarray((b * 8 + t) * C, (b * 8 + t + 1) * C).reduce((a, x) => a + 0.1 * x, 0);
    expect((out.reward as Float32Array)[0]).toBeCloseTo(want(0, 7), 4);
    expect((out.reward as Float32Array)[1]).toBeCloseTo(want(1, 3), 4);
  });

  it('rejects out-of-range configs and too-long sequences with one sentence naming the field', () => {
    expect(() => gptConfig('tiny', { layerNormEpsilon: 1.5 })).toThrow(/layerNormEpsilon must be in \(0, 1\)/);
    expect(() => logitsModel(cfg, 1, 65)).toThrow(/sequence length 65 exceeds the context nCtx = 64/);
  });
});
