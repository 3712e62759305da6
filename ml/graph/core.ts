// The graph core: nodes in creation order (the tape), graph inputs, parameters and
// constants, and emission of an ONNX ModelProto.

import { isFloat, toTypedArray, type AnyTypedArray, type DType, type FloatDType } from '../onnx/dtypes';
import { encodeModel, type AttributeValue, type NodeData, type TensorData, type ValueInfoData } from '../onnx/proto';
import { inPlaceState } from './in-place';
import { OP_DOMAIN, type OpType } from './op-types';
import { fmt, isStatic, numel, ShapeError, staticShape, type Shape } from './shape';
import { Value, type BuiltModel, type Node, type ParamOptions, type ParamSpec } from './value';

export { Value, type BuiltModel, type Init, type Node, type ParamOptions, type ParamSpec } from './value';

export interface GraphOptions {
  /** Float dtype of parameters and of number literals used as operands (default float32). */
  dtype?: FloatDType;
  name?: string;
  /**
   * Whether the builder may emit onnxruntime's com.microsoft kernels (OP_DOMAIN) where they save
   * passes (default true). Off for models meant for other runtimes (the ONNX export).
   */
  contribOps?: boolean;
}

export type Operand = Value | number;

export class GraphCore {
  readonly dtype: FloatDType;
  readonly name: string;
  readonly contribOps: boolean;
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly params: Value[] = [];
  readonly paramSpecs = new Map<Value, ParamSpec>();
  private readonly constants = new Map<Value, TensorData>();
  private readonly scalarCache = new Map<string, Value>();
  private readonly names = new Set<string>();
  private counter = 0;
  private scopes: string[] = [];

  constructor(options: GraphOptions = {}) {
    this.dtype = options.dtype ?? 'float32';
    this.name = options.name ?? 'graph';
    this.contribOps = options.contribOps ?? true;
  }

  // ---- naming ----

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: the name "${name}" is already used`);
    this.names.add(name);
    return name;
  }

  private fresh(hint: string): string {
    const prefix = this.scopes.length ? `${this.scopes.join('.')}.` : '';
    let name: string;
    do name = `${prefix}${hint}_${this.counter++}`;
    while (this.names.has(name));
    return this.claim(name);
  }

  /** Prefixes the names of nodes built inside `fn` (e.g. "h0.attn"), for readable errors and profiles. */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  // ---- leaves ----

  /**
   * A graph input fed at run time (a batch, a mask, a learning rate). A dimension may be a
   * symbolic name ('batch', 'seq'): the size is then fixed only when the model runs, and the
   * emitted model declares it as a dim_param.
   */
  input(name: string, dtype: DType, shape: Shape): Value {
    checkShape('input', name, shape, true);
    const v = new Value(this, this.claim(name), dtype, [...shape], 'input');
    this.inputs.push(v);
    return v;
  }

  /** A trainable parameter: a graph input the runtime feeds from its parameter store. */
  param(name: string, dims: Shape, options: ParamOptions = {}): Value {
    checkShape('param', name, dims);
    const shape = staticShape(`param ${name}`, dims);
    const dtype = options.dtype ?? this.dtype;
    const v = new Value(this, this.claim(name), dtype, [...shape], 'param');
    this.params.push(v);
    this.paramSpecs.set(v, {
      name,
      dtype,
      shape: [...shape],
      init: options.init ?? { kind: 'normal', std: 0.02 },
      decay: options.decay ?? shape.length >= 2,
    });
    return v;
  }

  /** A constant tensor stored in the model (an initializer). */
  constant(data: ArrayLike<number> | ArrayLike<bigint> | AnyTypedArray, dims: Shape, dtype: DType = this.dtype, name?: string): Value {
    checkShape('constant', name ?? '', dims);
    const shape = staticShape(`constant ${name ?? ''}`, dims);
    if (data.length !== numel(shape)) {
      throw new ShapeError(`constant: ${data.length} values for shape ${fmt(shape)}`);
    }
    const v = new Value(this, name ? this.claim(name) : this.fresh('const'), dtype, [...shape], 'const');
    this.constants.set(v, { name: v.name, dtype, dims: [...shape], data: toTypedArray(dtype, data) });
    return v;
  }

  /** A cached scalar constant. */
  scalar(x: number, dtype: DType = this.dtype): Value {
    const key = `${dtype}:${Object.is(x, -0) ? '-0' : x}`;
    let v = this.scalarCache.get(key);
    if (!v) {
      v = this.constant([x], [], dtype);
      this.scalarCache.set(key, v);
    }
    return v;
  }

  /** A constant int64 vector (axes, shapes, sizes). */
  ints(xs: readonly number[]): Value {
    const key = `ints:${xs.join(',')}`;
    let v = this.scalarCache.get(key);
    if (!v) {
      v = this.constant(xs, [xs.length], 'int64');
      this.scalarCache.set(key, v);
    }
    return v;
  }

  /** The data of a constant value (used by gradient rules to read axes and shapes). */
  constData(v: Value): AnyTypedArray {
    const t = this.constants.get(v);
    if (!t) throw new Error(`${v.name} is not a constant`);
    return t.data;
  }

  constInts(v: Value): number[] {
    return Array.from(this.constData(v), Number);
  }

  /** Turns a number operand into a scalar constant of `like`'s dtype. */
  lift(x: Operand, like: Value | DType): Value {
    if (x instanceof Value) return x;
    return this.scalar(x, like instanceof Value ? like.dtype : like);
  }

  // ---- nodes ----

  /**
   * Adds a node. Ops call this after their own shape inference. An op the builder does not wrap
   * is added to OP_TYPES first, and then needs its gradient rule (ml/autodiff/rules.ts) to compile.
   */
  op(
    opType: OpType,
    inputs: readonly (Value | undefined)[],
    outputs: readonly { dtype: DType; shape: Shape }[],
    attrs: Record<string, AttributeValue> = {},
  ): Value[] {
    for (const v of inputs) {
      if (v && v.graph !== this) throw new Error(`${opType}: input ${v.name} belongs to another graph`);
    }
    const name = this.fresh(opType);
    const outs: Value[] = [];
    const node: Node = { id: this.nodes.length, name, opType, inputs: inputs as Value[], outputs: outs, attrs };
    for (const o of outputs) outs.push(new Value(this, `${name}:${outs.length}`, o.dtype, [...o.shape], 'op', node));
    this.nodes.push(node);
    return outs;
  }

  op1(opType: OpType, inputs: readonly (Value | undefined)[], out: { dtype: DType; shape: Shape }, attrs: Record<string, AttributeValue> = {}): Value {
    return this.op(opType, inputs, [out], attrs)[0];
  }

  // ---- emission ----

  /** Param specs in declaration order. */
  get paramList(): ParamSpec[] {
    return this.params.map((p) => this.paramSpecs.get(p)!);
  }

  /**
   * Serializes the graph with the given named outputs. Only nodes the outputs depend on are
   * emitted; every declared input and parameter stays a graph input, except parameters named in
   * `frozen`: they become initializers holding that data (inference models, whose weights
   * onnxruntime can then prepack).
   */
  toModel(spec: { outputs: Record<string, Value>; frozen?: Record<string, AnyTypedArray> }): BuiltModel {
    const outputs = Object.entries(spec.outputs);
    if (outputs.length === 0) throw new Error('toModel: no outputs');
    const rename = new Map<Value, string>();
    const extra: NodeData[] = [];
    for (const [outName, v] of outputs) {
      if (v.graph !== this) throw new Error(`toModel: output ${outName} belongs to another graph`);
      if (this.names.has(outName)) throw new Error(`toModel: output name "${outName}" is already a value in the graph; pick another`);
      if (v.kind === 'op' && !rename.has(v)) {
        rename.set(v, outName); // the producing node writes the output directly, no copy
      } else {
        extra.push({ name: `out_${outName}`, opType: 'Identity', inputs: [v.name], outputs: [outName], attributes: {} });
      }
    }
    const live = this.liveNodes(outputs.map(([, v]) => v));
    const nameOf = (v: Value | undefined): string => (v ? (rename.get(v) ?? v.name) : '');
    const nodes: NodeData[] = live.map((n) => ({
      name: n.name,
      opType: n.opType,
      inputs: n.inputs.map(nameOf),
      outputs: n.outputs.map(nameOf),
      attributes: n.attrs,
      ...(OP_DOMAIN[n.opType] ? { domain: OP_DOMAIN[n.opType] } : {}),
    }));
    const domains = new Set(live.map((n) => OP_DOMAIN[n.opType]).filter((d): d is string => !!d));
    for (const e of extra) nodes.push({ ...e, inputs: e.inputs.map((i) => nameOf(this.byName(i))) });

    const used = new Set<Value>();
    for (const n of live) for (const i of n.inputs) if (i) used.add(i);
    for (const [, v] of outputs) used.add(v);
    const initializers = [...this.constants].filter(([v]) => used.has(v)).map(([, t]) => t);
    // frozen parameters become initializers (inference models: onnxruntime can prepack their weights)
    const frozen = spec.frozen ?? {};
    for (const p of this.params) {
      const data = frozen[p.name];
      if (!data) continue;
      if (data.length !== p.size) throw new ShapeError(`toModel: frozen ${p} got ${data.length} values`);
      if (used.has(p)) initializers.push({ name: p.name, dtype: p.dtype, dims: p.sizes, data });
    }
    // a symbolic dimension is emitted as a dim_param with its name
    const info = (v: Value, name = v.name): ValueInfoData =>
      isStatic(v.shape)
        ? { name, dtype: v.dtype, dims: [...v.shape] }
        : {
            name,
            dtype: v.dtype,
            dims: v.shape.map((d) => (typeof d === 'number' ? d : 1)),
            dimNames: v.shape.map((d) => (typeof d === 'string' ? d : undefined)),
          };
    const inputValues = [...this.inputs, ...this.params.filter((p) => !frozen[p.name])];
    const inputs = inputValues.map((v) => info(v));
    const outs = outputs.map(([name, v]) => info(v, name));
    const bytes = encodeModel({ name: this.name, nodes, initializers, inputs, outputs: outs }, Object.fromEntries([...domains].map((d) => [d, 1])));
    const meta: BuiltModel['nodes'] = {};
    for (const n of live) meta[n.name] = { opType: n.opType, inputs: n.inputs.map((i) => (i ? String(i) : '(none)')) };
    const inPlace = inPlaceState(inputValues, outputs, live, rename);
    return { bytes, inputs, outputs: outs, nodes: meta, params: this.paramList.filter((p) => !frozen[p.name]), ...(inPlace.length ? { inPlace } : {}) };
  }

  private byName(name: string): Value | undefined {
    for (const n of this.nodes) for (const o of n.outputs) if (o.name === name) return o;
    return [...this.inputs, ...this.params, ...this.constants.keys()].find((v) => v.name === name);
  }

  /** Nodes needed for `targets`, in tape order. */
  liveNodes(targets: readonly Value[]): Node[] {
    const live = new Set<Node>();
    const stack = targets.map((t) => t.producer).filter((n): n is Node => !!n);
    while (stack.length) {
      const n = stack.pop()!;
      if (live.has(n)) continue;
      live.add(n);
      for (const i of n.inputs) if (i?.producer && !live.has(i.producer)) stack.push(i.producer);
    }
    return this.nodes.filter((n) => live.has(n));
  }

  /** A cached row of ones (1, n), e.g. for column sums as one matrix product. */
  onesRow(n: number, dtype: DType = this.dtype): Value {
    const key = `ones:${dtype}:${n}`;
    let v = this.scalarCache.get(key);
    if (!v) {
      v = this.constant(new Array<number>(n).fill(1), [1, n], dtype);
      this.scalarCache.set(key, v);
    }
    return v;
  }

  /** A zero tensor of `shape` and `dtype` without a large initializer (Expand of a scalar). */
  zeros(shape: Shape, dtype: DType = this.dtype): Value {
    if (shape.length === 0) return this.scalar(0, dtype);
    return this.op1('Expand', [this.scalar(0, dtype), this.ints(staticShape('zeros', shape))], { dtype, shape });
  }
}

function checkShape(what: string, name: string, shape: Shape, symbolic = false): void {
  if (!shape.every((d) => (typeof d === 'number' ? Number.isInteger(d) && d >= 0 : symbolic && d.length > 0))) {
    throw new ShapeError(`${what} ${name}: shape ${fmt(shape)} must be non-negative integers${symbolic ? ' or symbolic names' : ''}`);
  }
}

export function assertFloat(op: string, ...vs: Value[]): void {
  for (const v of vs) if (!isFloat(v.dtype)) throw new ShapeError(`${op}: ${v} must be float32 or float64`);
}

export function assertSameDtype(op: string, ...vs: Value[]): void {
  for (const v of vs.slice(1)) {
    if (v.dtype !== vs[0].dtype) throw new ShapeError(`${op}: dtypes differ: ${vs[0]} and ${v}`);
  }
}
