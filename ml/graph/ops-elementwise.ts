// Elementwise ops: broadcasting arithmetic, unary math, comparisons, selection.

import { ONNX_DTYPE, type DType } from '../onnx/dtypes';
import type { OpType } from './op-types';
import { assertFloat, assertSameDtype, GraphCore, type Operand, Value } from './core';
import { broadcastShapes, ShapeError } from './shape';

export class ElementwiseOps extends GraphCore {
  /** Lifts number operands to scalars of the other operand's dtype and checks dtypes match. */
  private operands(op: string, a: Operand, b: Operand): [Value, Value] {
    if (!(a instanceof Value) && !(b instanceof Value)) throw new Error(`${op}: at least one operand must be a Value`);
    const like = (a instanceof Value ? a : b) as Value;
    const va = this.lift(a, like);
    const vb = this.lift(b, like);
    assertSameDtype(op, va, vb);
    return [va, vb];
  }

  private binary(op: OpType, a: Operand, b: Operand, outDtype?: DType): Value {
    const [va, vb] = this.operands(op, a, b);
    const shape = broadcastShapes(op, va.shape, vb.shape);
    return this.op1(op, [va, vb], { dtype: outDtype ?? va.dtype, shape });
  }

  private unary(op: OpType, x: Value, attrs = {}): Value {
    assertFloat(op, x);
    return this.op1(op, [x], { dtype: x.dtype, shape: x.shape }, attrs);
  }

  add(a: Operand, b: Operand): Value {
    return this.binary('Add', a, b);
  }
  sub(a: Operand, b: Operand): Value {
    return this.binary('Sub', a, b);
  }
  mul(a: Operand, b: Operand): Value {
    return this.binary('Mul', a, b);
  }
  div(a: Operand, b: Operand): Value {
    return this.binary('Div', a, b);
  }
  pow(a: Operand, b: Operand): Value {
    return this.binary('Pow', a, b);
  }
  /** Elementwise minimum of two tensors (ties send the gradient to `b`). */
  min(a: Operand, b: Operand): Value {
    return this.binary('Min', a, b);
  }
  /** Elementwise maximum of two tensors (ties send the gradient to `b`). */
  max(a: Operand, b: Operand): Value {
    return this.binary('Max', a, b);
  }
  /** Sum of any number of same-dtype tensors, broadcasting. */
  sum(xs: readonly Value[]): Value {
    if (xs.length === 0) throw new Error('Sum: no inputs');
    if (xs.length === 1) return xs[0];
    assertSameDtype('Sum', ...xs);
    return this.op1('Sum', xs, { dtype: xs[0].dtype, shape: broadcastShapes('Sum', ...xs.map((x) => x.shape)) });
  }

  less(a: Operand, b: Operand): Value {
    return this.binary('Less', a, b, 'bool');
  }
  greater(a: Operand, b: Operand): Value {
    return this.binary('Greater', a, b, 'bool');
  }
  equal(a: Operand, b: Operand): Value {
    return this.binary('Equal', a, b, 'bool');
  }

  neg(x: Value): Value {
    return this.unary('Neg', x);
  }
  sqrt(x: Value): Value {
    return this.unary('Sqrt', x);
  }
  exp(x: Value): Value {
    return this.unary('Exp', x);
  }
  log(x: Value): Value {
    return this.unary('Log', x);
  }
  tanh(x: Value): Value {
    return this.unary('Tanh', x);
  }
  sigmoid(x: Value): Value {
    return this.unary('Sigmoid', x);
  }
  abs(x: Value): Value {
    return this.unary('Abs', x);
  }
  relu(x: Value): Value {
    return this.unary('Relu', x);
  }
  sign(x: Value): Value {
    return this.unary('Sign', x);
  }
  /** GELU, tanh approximation (as GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  gelu(x: Value): Value {
    return this.unary('Gelu', x, { approximate: 'tanh' });
  }
  identity(x: Value): Value {
    return this.op1('Identity', [x], { dtype: x.dtype, shape: x.shape });
  }

  /** Clamps to [lo, hi] (bounds are constants; either may be omitted). */
  clip(x: Value, lo?: number, hi?: number): Value {
    assertFloat('Clip', x);
    const bound = (b?: number) => (b === undefined ? undefined : this.scalar(b, x.dtype));
    return this.op1('Clip', [x, bound(lo), bound(hi)], { dtype: x.dtype, shape: x.shape });
  }

  /** cond ? a : b, broadcasting all three. */
  where(cond: Value, a: Operand, b: Operand): Value {
    if (cond.dtype !== 'bool') throw new ShapeError(`Where: condition ${cond} must be bool`);
    const [va, vb] = this.operands('Where', a, b);
    const shape = broadcastShapes('Where', cond.shape, va.shape, vb.shape);
    return this.op1('Where', [cond, va, vb], { dtype: va.dtype, shape });
  }

  cast(x: Value, to: DType): Value {
    if (x.dtype === to) return x;
    return this.op1('Cast', [x], { dtype: to, shape: x.shape }, { to: ONNX_DTYPE[to] });
  }
}
