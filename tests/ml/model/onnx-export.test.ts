import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx, gptConfig, initGPT, logitsModel, padBatch, prng, Session } from '../../../ml/index';

const cfg = gptConfig('tiny');
const dir = mkdtempSync(path.join(tmpdir(), 'gpt-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ONNX export (Optimum GPT-2 layout with KV cache)', () => {
  it('runs in a plain onnxruntime session and matches the training graph, with and without past', async () => {
    const params = initGPT(cfg, 11);
    const r = prng(12);
    for (const t of Object.values(params)) for (let i = 0; i < t.length; i++) t[i] += 0.2 * (r() - 0.5);
    const file = path.join(dir, 'model.onnx');
    exportOnnx({ config: cfg, params }, file);
    const session = await ort.InferenceSession.create(file);
    expect(session.inputNames.slice(0, 3)).toEqual(['input_ids', 'attention_mask', 'position_ids']);
    expect(session.outputNames).toContain('present.1.value');

    const full = [
      [256, 3, 4, 5, 6, 7],
      [256, 9, 8],
    ];
    const V = cfg.vocabSize;
    const nh = cfg.nHead;
    const hs = cfg.nEmbd / nh;
    const reference = async (rows: number[][]) => {
      const b = padBatch(rows, { padId: 0, side: 'left' });
      const s = await Session.create(logitsModel(cfg, b.batch, b.seq, { keyMask: true }));
      const out = (await s.run({ ...params, input_ids: b.inputIds, position_ids: b.positionIds, attention_mask: b.attentionMask })).logits as Float32Array;
      await s.dispose();
      return { out, b };
    };
    // prefill: all but the last token, empty past
    const prompts = full.map((x) => x.slice(0, -1));
    const { out: want, b } = await reference(prompts);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', b.inputIds, [2, b.seq]),
      attention_mask: new ort.Tensor(
        'int64',
        BigInt64Array.from(b.attentionMask, (m) => BigInt(m)),
        [2, b.seq],
      ),
      position_ids: new ort.Tensor('int64', b.positionIds, [2, b.seq]),
    };
    for (let l = 0; l < cfg.nLayer; l++)
      for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [2, nh, 0, hs]);
    const pre = await session.run(feeds);
    const got = pre.logits.data as Float32Array;
    const diff = (a: Float32Array, c: Float32Array, from: number, to: number) => {
      let d = 0;
      for (let i = from; i < to; i++) d = Math.max(d, Math.abs(a[i] - c[i]));
      return d;
    };
    // real positions only (padding rows may differ in what they attend to)
    expect(diff(got, want, 0, b.seq * V)).toBeLessThan(1e-4);
    expect(diff(got, want, (2 * b.seq - 2) * V, 2 * b.seq * V)).toBeLessThan(1e-4);

    // one step with the cache
    const { out: want2, b: b2 } = await reference(full);
    const stepMask = (m: Float32Array, T: number) => {
      const out = new BigInt64Array(2 * (T + 1));
      for (let row = 0; row < 2; row++) {
        for (let t = 0; t < T; t++) out[row * (T + 1) + t] = BigInt(m[row * T + t]);
        out[row * (T + 1) + T] = 1n;
      }
      return out;
    };
    const step: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(full.map((x) => BigInt(x.at(-1)!))), [2, 1]),
      attention_mask: new ort.Tensor('int64', stepMask(b.attentionMask, b.seq), [2, b.seq + 1]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(prompts.map((p) => BigInt(p.length))), [2, 1]),
    };
    for (let l = 0; l < cfg.nLayer; l++) for (const k of ['key', 'value']) step[`past_key_values.${l}.${k}`] = pre[`present.${l}.${k}`];
    const out2 = (await session.run(step)).logits.data as Float32Array;
    for (let row = 0; row < 2; row++) {
      const last = want2.subarray(((row + 1) * b2.seq - 1) * V, (row + 1) * b2.seq * V);
      expect(diff(out2.subarray(row * V, (row + 1) * V), last, 0, V)).toBeLessThan(1e-4);
    }

    // a different batch size and lengths in the same session: the dimensions are dynamic
    const rows3 = [
      [256, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [256, 40],
      [256, 7, 7, 7],
    ];
    const { out: want3, b: b3 } = await reference(rows3);
    const feeds3: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', b3.inputIds, [3, b3.seq]),
      attention_mask: new ort.Tensor(
        'int64',
        BigInt64Array.from(b3.attentionMask, (m) => BigInt(m)),
        [3, b3.seq],
      ),
      position_ids: new ort.Tensor('int64', b3.positionIds, [3, b3.seq]),
    };
    for (let l = 0; l < cfg.nLayer; l++)
      for (const k of ['key', 'value']) feeds3[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [3, nh, 0, hs]);
    const out3 = await session.run(feeds3);
    expect(out3.logits.dims).toEqual([3, b3.seq, V]);
    expect(out3['present.0.key'].dims).toEqual([3, nh, b3.seq, hs]);
    const got3 = out3.logits.data as Float32Array;
    for (let row = 0; row < 3; row++) {
      const first = row * b3.seq + (b3.seq - rows3[row].length); // left padding: real tokens at the end
      expect(diff(got3, want3, first * V, (row + 1) * b3.seq * V)).toBeLessThan(1e-4);
    }
    await session.release();
  });
});
