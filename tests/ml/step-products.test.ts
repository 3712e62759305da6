// bench:ml's floor (bench/ml-products.ts): the matrix products of a training step, found in the
// step model and run alone. Their operation count is the transformer's, term by term; the small
// products (a bias gradient's column sum) are left out; the products-only model holds them and nothing else.
import { describe, expect, it } from 'vitest';
import { ourProducts, productFlops, productKinds, stepProducts } from '../../bench/ml-products';
import { gptConfig, lmLossGraph, trainStepModel } from '../../ml/index';

describe('the step products behind bench:ml', () => {
  const [B, T] = [2, 16];
  const c = gptConfig('small', { nEmbd: 32, nHead: 2, nLayer: 2, vocabSize: 64, nCtx: 16 });
  const m = lmLossGraph(c, B, T);
  const model = trainStepModel(m.graph, { loss: m.loss }, { maxGradNorm: 1 });
  const products = stepProducts(m.graph, model);

  it("counts a GPT step's operations: 3 passes over the linear layers, 6 attention products a layer, the tied head and the embedding's one-hot gradient", () => {
    const [N, C, L, V] = [B * T, c.nEmbd, c.nLayer, c.vocabSize];
    const linear = 3 * 2 * N * (3 * C * C + C * C + 4 * C * C + 4 * C * C); // forward, dX, dW of qkv, proj, fc, fc proj
    const attention = 6 * 2 * B * T * T * C; // q·kᵀ and p·v, forward and both gradients (heads together: B·H·T·T·hd = B·T·T·C)
    const head = 3 * 2 * N * C * V; // logits, their dX and the head's dW
    const embedding = 2 * V * N * C; // onehot(ids)ᵀ · dX, few rows (rules.ts scatterAddRows)
    expect(productFlops(products)).toBe(L * (linear + attention) + head + embedding);
  });

  it('leaves out products with a side under 16 (bias gradients are column sums) and keeps every other product of the live model', () => {
    const live = m.graph.nodes.filter((n) => n.name in model.nodes && ['Gemm', 'MatMul', 'FusedMatMul'].includes(n.opType));
    const small = live.filter((n) => n.opType === 'MatMul' && n.inputs[0].sizes[0] === 1);
    expect(small.length).toBeGreaterThan(0);
    expect(products.length).toBe(live.length - small.length);
    // q·kᵀ (kᵀ and the scale inside) and its two gradients, p·v's two gradients; p·v itself is a MatMul
    expect(products.filter((p) => p.op === 'FusedMatMul')).toHaveLength(5 * c.nLayer);
    expect(products.filter((p) => p.op === 'MatMul')).toHaveLength(c.nLayer);
  });

  it('groups the products by kind (bench:products --by-shape): every product once, each kind one op, shapes and transposes (the scale aside)', () => {
    const kinds = productKinds(products);
    expect([...kinds.values()].flat()).toHaveLength(products.length);
    for (const kind of kinds.values()) expect(new Set(kind.map(({ alpha: _, ...p }) => JSON.stringify(p))).size).toBe(1);
    // a layer's weight gradients are one kind per layer shape, counted once per layer
    const N = B * T;
    const qkvGrad = kinds.get(`Gemm (${N}×${c.nEmbd})ᵀ·(${N}×${3 * c.nEmbd})`);
    expect(qkvGrad).toHaveLength(c.nLayer);
    expect(kinds.get(`FusedMatMul (${B}×${c.nHead}×${T}×${c.nEmbd / c.nHead})·(${B}×${c.nHead}×${T}×${c.nEmbd / c.nHead})ᵀ`)).toHaveLength(c.nLayer * 2); // q·kᵀ and dP = dY·vᵀ
  });

  it('runs the products alone: one node each, and a slice that keeps it out of the outputs', async () => {
    const floor = await ourProducts(products, 2, true);
    try {
      const ops = Object.values(floor.model.nodes).map((n) => n.opType);
      expect(ops.filter((op) => op !== 'Slice').sort()).toEqual(products.map((p) => p.op).sort());
      expect(ops.filter((op) => op === 'Slice')).toHaveLength(products.length);
      expect(floor.model.outputs.every((o) => o.dims[o.dims.length - 1] === 1)).toBe(true);
      expect(await floor.run()).toBeGreaterThan(0);
    } finally {
      await floor.dispose();
    }
  });
});
