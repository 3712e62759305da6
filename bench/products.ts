// The matrix products of a training step alone, ours (onnxruntime's MLAS) and PyTorch's
// (OpenBLAS, bench/torch_ref.py) taking turns: the floor under a step ratio (bench/ml-products.ts).
// bench:ml prints it for its own size; this runs it for any shape, GPT-2 124M's included, without
// a training step beside it (the products' operands would count in that step's peak RSS).
//
//   npm run bench:products                          bench:ml's size: d=256 L=4 H=4 V=512, batch 8 × 128
//   npm run bench:products -- --gpt2 '{}'           GPT-2's shape (vocabulary 50,257), batch 4 × 256, scaled
//   npm run bench:products -- --by-shape            each kind of product (op, shapes, transposes) on its own
//   options: --rounds N (default 4), --threads N (default 2)
//
// Ends with ONE line of JSON: each side's median ms per pass over the products, their ratio, and
// the GFLOP/s (with --by-shape, the same per kind). No target: a step ratio below products_ms /
// (PyTorch's step) is out of reach.
//
// The whole list takes turns with PyTorch round by round. --by-shape runs one side's rounds after
// the other's instead: a kind's pass takes 1 to 30 ms, and one right after the other side's turn was
// measured out of its steady state (2026-12-06, bench:ml's size, our passes up to 5× as long; the
// kinds summed 261 ms against PyTorch's 139 taking turns, 142 against 139 consecutive).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gptConfig, lmLossGraph, paramCount, trainStepModel } from '../ml/index';
import { trainingArena } from '../ml/runtime/config';
import { ourProducts, productFlops, productKinds, stepProducts, type Product } from './ml-products';
import { median, TorchRef } from './torch-ref';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const gpt2 = opt('--gpt2');
const ROUNDS = Number(opt('--rounds') ?? 4);
const THREADS = Number(opt('--threads') ?? 2);

const c = gpt2 ? gptConfig('gpt2', JSON.parse(gpt2) as Record<string, number>) : gptConfig('small', { nCtx: 128 });
const [B, T] = gpt2 ? [4, 256] : [8, 128];
const m = lmLossGraph(c, B, T);
const products = stepProducts(m.graph, trainStepModel(m.graph, { loss: m.loss }, { maxGradNorm: 1, weightDecay: 0.1 }));
const gflop = productFlops(products) / 1e9;

const dir = mkdtempSync(path.join(tmpdir(), 'bench-products-'));
const arena = trainingArena(paramCount(c)); // the arena as the trainer runs this size
const shapeName = gpt2 ? `GPT-2 ${gpt2}, batch 4 × 256` : 'bench:ml size: d=256 L=4 H=4 V=512, batch 8 × 128';
const shapeJson = gpt2 ? (JSON.parse(gpt2) as unknown) : 'bench:ml';
const perS = (gf: number, ms: number) => (gf / (ms / 1000)).toFixed(0).padStart(6);

/** The whole list, the two sides taking turns round by round: each side's median pass. */
async function whole(): Promise<void> {
  const ours = await ourProducts(products, THREADS, arena);
  try {
    await ours.run(); // warm-up
    const torch = await TorchRef.start(dir, { threads: THREADS, products }); // no model folder: products only
    const [mine, theirs]: number[][] = [[], []];
    for (let r = 0; r < ROUNDS; r++) {
      const turns = [async () => void mine.push(await ours.run()), async () => void theirs.push(...(await torch.products(1)))];
      for (const turn of r % 2 ? turns.reverse() : turns) await turn();
    }
    await torch.close();
    const [o, t] = [median(mine), median(theirs)];
    console.log(`${shapeName}, ${THREADS} threads`);
    console.log(`${products.length} products, ${gflop.toFixed(1)} GFLOP a step`);
    const row = (who: string, ms: number, all: number[]) =>
      console.log(`${who.padEnd(32)}${ms.toFixed(1).padStart(9)} ms ${perS(gflop, ms)} GFLOP/s   (${all.map(Math.round).join(', ')})`);
    row('ours (MLAS)', o, mine);
    row(`PyTorch (OpenBLAS ${torch.info.blas.split(' core=')[1] ?? '?'})`, t, theirs);
    const figures = { products_ms: +o.toFixed(2), torch_products_ms: +t.toFixed(2), ratio: +(o / t).toFixed(3) };
    console.log(
      JSON.stringify({ bench: 'products', shape: shapeJson, products: products.length, gflop: +gflop.toFixed(2), ...figures, torch_blas: torch.info.blas }),
    );
  } finally {
    await ours.dispose();
  }
}

/** One kind of product alone: ROUNDS passes of ours, then ROUNDS of PyTorch's; each side's median. */
async function timeKind(kind: Product[]): Promise<{ ms: number; torchMs: number; blas: string }> {
  const ours = await ourProducts(kind, THREADS, arena);
  try {
    await ours.run(); // warm-up
    const mine: number[] = [];
    for (let r = 0; r < ROUNDS; r++) mine.push(await ours.run());
    const torch = await TorchRef.start(dir, { threads: THREADS, products: kind }); // it warms up before it answers
    const theirs = await torch.products(ROUNDS);
    await torch.close();
    return { ms: median(mine), torchMs: median(theirs), blas: torch.info.blas };
  } finally {
    await ours.dispose();
  }
}

/** Each kind of product (op, shapes, transposes) on its own: where the two BLAS differ. */
async function byKind(): Promise<void> {
  console.log(`${shapeName}, ${THREADS} threads, ${products.length} products, ${gflop.toFixed(1)} GFLOP a step; ms per pass over each kind`);
  console.log(`${'kind'.padEnd(56)}  n     ours  PyTorch  ratio  GFLOP/s ours / PyTorch`);
  const line = (label: string, n: number, gf: number, o: number, t: number) =>
    console.log(
      `${label.padEnd(56)}${String(n).padStart(3)}${o.toFixed(2).padStart(9)}${t.toFixed(2).padStart(9)}${(o / t).toFixed(2).padStart(7)}${perS(gf, o)} /${perS(gf, t)}`,
    );
  const kinds = [];
  let blas = '';
  for (const [label, kind] of productKinds(products)) {
    const r = await timeKind(kind);
    const gf = productFlops(kind) / 1e9;
    line(label, kind.length, gf, r.ms, r.torchMs);
    kinds.push({
      kind: label,
      n: kind.length,
      gflop: +gf.toFixed(3),
      ms: +r.ms.toFixed(2),
      torch_ms: +r.torchMs.toFixed(2),
      ratio: +(r.ms / r.torchMs).toFixed(3),
    });
    blas = r.blas;
  }
  const [o, t] = [kinds.reduce((s, k) => s + k.ms, 0), kinds.reduce((s, k) => s + k.torch_ms, 0)];
  line('all kinds', products.length, gflop, o, t);
  const figures = { products_ms: +o.toFixed(2), torch_products_ms: +t.toFixed(2), ratio: +(o / t).toFixed(3) };
  console.log(
    JSON.stringify({ bench: 'products', shape: shapeJson, products: products.length, gflop: +gflop.toFixed(2), ...figures, by_shape: kinds, torch_blas: blas }),
  );
}

try {
  await (args.includes('--by-shape') ? byKind() : whole());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
