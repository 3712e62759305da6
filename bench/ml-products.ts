// The floor under bench:ml's step ratio: the step's matrix products alone. Each side runs the
// same list of products (the shapes, transposes and biases of our step model's Gemm, MatMul and
// FusedMatMul nodes) with its own BLAS: onnxruntime's MLAS here, OpenBLAS in bench/torch_ref.py.
// No step can take less than its products, so (our products) / (PyTorch's step) is the lowest
// step ratio this machine allows us, with every other op free. Where the products are most of
// both steps (a CPU whose BLAS runs near its peak), a goal below that bound is a goal about the
// CPU, not about the trainer.

import { Graph, Session, type BuiltModel, type Value } from '../ml/index';
import { numel } from '../ml/graph/shape';

/** One product as onnxruntime runs it: alpha·op(A)·op(B) (+ C), batched over leading axes for MatMul. */
export interface Product {
  op: 'Gemm' | 'MatMul' | 'FusedMatMul';
  a: number[];
  b: number[];
  c?: number[];
  transA: boolean;
  transB: boolean;
  alpha: number;
}

/** The smallest of M, N, K a product needs to count: below it (a bias gradient's column sum, a GEMV) the op is a reduction, bound by memory. */
const MIN_DIM = 16;

/** The matrix products `model` runs, in the graph's order (its live Gemm, MatMul and FusedMatMul nodes with M, N and K all >= 16). */
export function stepProducts(g: Graph, model: BuiltModel): Product[] {
  const products: Product[] = [];
  for (const n of g.nodes) {
    if (!(n.name in model.nodes) || (n.opType !== 'Gemm' && n.opType !== 'MatMul' && n.opType !== 'FusedMatMul')) continue;
    const [a, b] = [n.inputs[0].sizes, n.inputs[1].sizes];
    const c = n.inputs[2]?.sizes;
    const transA = n.attrs.transA === 1;
    const transB = n.attrs.transB === 1;
    const alpha = n.attrs.alpha as { float: number } | undefined;
    const [m, k] = last2(a, transA);
    const nn = last2(b, transB)[1];
    if (Math.min(m, k, nn) < MIN_DIM) continue;
    products.push({ op: n.opType, a, b, ...(c ? { c } : {}), transA, transB, alpha: alpha?.float ?? 1 });
  }
  return products;
}

function last2(shape: number[], trans: boolean): [number, number] {
  const [r, c] = shape.slice(-2);
  return trans ? [c, r] : [r, c];
}

/**
 * The products grouped by kind (op, operand shapes, transposes, bias; not α, which the kernels
 * apply for free), in order of first appearance, each under a label such as `Gemm (1024×768)ᵀ·(1024×2304)`.
 */
export function productKinds(products: Product[]): Map<string, Product[]> {
  const kinds = new Map<string, Product[]>();
  for (const p of products) {
    const side = (shape: number[], trans: boolean) => `(${shape.join('×')})${trans ? 'ᵀ' : ''}`;
    const label = `${p.op} ${side(p.a, p.transA)}·${side(p.b, p.transB)}${p.c ? ` + (${p.c.join('×')})` : ''}`;
    kinds.set(label, [...(kinds.get(label) ?? []), p]);
  }
  return kinds;
}

/** Floating-point operations of one pass over the products (2·M·N·K per matrix). */
export function productFlops(products: Product[]): number {
  let flops = 0;
  for (const p of products) {
    const [m, k] = last2(p.a, p.transA);
    const n = last2(p.b, p.transB)[1];
    const batch = Math.max(numel(p.a.slice(0, -2)), numel(p.b.slice(0, -2)));
    flops += 2 * batch * m * n * k;
  }
  return flops;
}

/**
 * Our side of the floor: one model holding the products and nothing else. Each product reads
 * operands of its own (shared ones would make repeated products identical, and onnxruntime would
 * compute them once); its result stays inside the model, where onnxruntime's planner reuses
 * buffers as it does in the step, and only a column of it is an output. `run()` runs all of them once.
 */
export async function ourProducts(products: Product[], threads: number, memArena: boolean) {
  const g = new Graph({ name: 'products' });
  const outputs: Record<string, Value> = {};
  for (const [i, p] of products.entries()) {
    const input = (name: string, shape: number[]) => g.input(`${name}${i}`, 'float32', shape);
    const [a, b] = [input('a', p.a), input('b', p.b)];
    const y =
      p.op === 'Gemm'
        ? g.gemm(a, b, p.c && input('c', p.c), { transA: p.transA, transB: p.transB, alpha: p.alpha })
        : p.op === 'FusedMatMul'
          ? g.fusedMatMul(a, b, { transA: p.transA, transB: p.transB, alpha: p.alpha })
          : g.matmul(a, b);
    outputs[`y${i}`] = g.slice(y, [0], [1], [y.rank - 1]); // (..., 1): the product is not a graph output
  }
  const model = g.toModel({ outputs });
  const session = await Session.create(model, { intraOpThreads: threads, memArena });
  const feeds = Object.fromEntries(model.inputs.map((i) => [i.name, Float32Array.from({ length: numel(i.dims) }, (_, j) => ((j * 7919) % 1000) / 1000 - 0.5)]));
  const into = Object.fromEntries(model.outputs.map((o) => [o.name, new Float32Array(numel(o.dims))]));
  return {
    model,
    run: async () => {
      const t0 = performance.now();
      await session.run(feeds, into);
      return performance.now() - t0;
    },
    dispose: () => session.dispose(),
  };
}
