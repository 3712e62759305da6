// The matrix products of a training step alone, ours (onnxruntime's MLAS) and PyTorch's
// (OpenBLAS, bench/torch_ref.py) taking turns: the floor under a step ratio (bench/ml-products.ts).
// bench:ml prints it for its own size; this runs it for any shape, GPT-2 124M's included, without
// a training step beside it (the products' operands would count in that step's peak RSS).
//
//   npm run bench:products                          bench:ml's size: d=256 L=4 H=4 V=512, batch 8 × 128
//   npm run bench:products -- --gpt2 '{}'           GPT-2's shape (vocabulary 50,257), batch 4 × 256, scaled
//   options: --rounds N (default 4), --threads N (default 2)
//
// Ends with ONE line of JSON: each side's median ms per pass over the products, their ratio, and
// the GFLOP/s. No target: a step ratio below products_ms / (PyTorch's step) is out of reach.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gptConfig, lmLossGraph, paramCount, trainStepModel } from '../ml/index';
import { trainingArena } from '../ml/runtime/config';
import { ourProducts, productFlops, stepProducts } from './ml-products';
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
const ours = await ourProducts(products, THREADS, trainingArena(paramCount(c))); // the arena as the trainer runs this size
try {
  await ours.run(); // warm-up
  const torch = await TorchRef.start(dir, { threads: THREADS, products }); // no model folder: products only
  const [mine, theirs]: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const turns = [async () => void mine.push(await ours.run()), async () => void theirs.push(...(await torch.products(1)))];
    for (const turn of r % 2 ? turns.reverse() : turns) await turn();
  }
  torch.close();
  const [o, t] = [median(mine), median(theirs)];
  console.log(`${gpt2 ? `GPT-2 ${gpt2}, batch 4 × 256` : 'bench:ml size: d=256 L=4 H=4 V=512, batch 8 × 128'}, ${THREADS} threads`);
  console.log(`${products.length} products, ${gflop.toFixed(1)} GFLOP a step`);
  const row = (who: string, ms: number, all: number[]) =>
    console.log(
      `${who.padEnd(32)}${ms.toFixed(1).padStart(9)} ms ${(gflop / (ms / 1000)).toFixed(0).padStart(6)} GFLOP/s   (${all.map(Math.round).join(', ')})`,
    );
  row('ours (MLAS)', o, mine);
  row(`PyTorch (OpenBLAS ${torch.info.blas.split(' core=')[1] ?? '?'})`, t, theirs);
  console.log(
    JSON.stringify({
      bench: 'products',
      shape: gpt2 ? JSON.parse(gpt2) : 'bench:ml',
      products: products.length,
      gflop: +gflop.toFixed(2),
      products_ms: +o.toFixed(2),
      torch_products_ms: +t.toFixed(2),
      ratio: +(o / t).toFixed(3),
      torch_blas: torch.info.blas,
    }),
  );
} finally {
  await ours.dispose();
  rmSync(dir, { recursive: true, force: true });
}
