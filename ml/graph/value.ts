// Values, nodes and the metadata that travels with a built model.

import type { ValueInfoData, AttributeValue } from '../onnx/proto';
import type { DType, FloatDType } from '../onnx/dtypes';
import type { GraphCore } from './core';
import type { OpType } from './op-types';
import { fmt, numel, staticShape, type Shape } from './shape';

export type ValueKind = 'input' | 'param' | 'const' | 'op';

/** A tensor in the graph: a name, a dtype and a shape whose dimensions are sizes or symbolic names. */
export class Value {
  constructor(
    readonly graph: GraphCore,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: ValueKind,
    readonly producer?: Node,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** The shape as sizes; throws a ShapeError naming the value when a dimension is symbolic. */
  get sizes(): number[] {
    return staticShape(String(this), this.shape);
  }

  get size(): number {
    return numel(this.sizes);
  }

  toString(): string {
    return `${this.name}: ${this.dtype}${fmt(this.shape)}`;
  }
}

export interface Node {
  readonly id: number;
  readonly name: string;
  readonly opType: OpType;
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attrs: Readonly<Record<string, AttributeValue>>;
}

export type Init = { kind: 'normal'; std: number; mean?: number } | { kind: 'uniform'; low: number; high: number } | { kind: 'zeros' } | { kind: 'ones' };

export interface ParamOptions {
  /** How the runtime's seeded initializer fills it (default normal, std 0.02). */
  init?: Init;
  /** Whether AdamW decays it (default: rank >= 2, so biases and norm gains are not decayed). */
  decay?: boolean;
  dtype?: FloatDType;
}

/** What the optimizer and the runtime need to know about a parameter. */
export interface ParamSpec {
  name: string;
  dtype: FloatDType;
  shape: number[];
  init: Init;
  decay: boolean;
}

/** A serialized model plus the metadata the runtime uses to check feeds and explain errors. */
export interface BuiltModel {
  bytes: Uint8Array;
  inputs: ValueInfoData[];
  outputs: ValueInfoData[];
  /** Node name -> op type and input descriptions, for error messages. */
  nodes: Record<string, { opType: string; inputs: string[] }>;
  params: ParamSpec[];
  /**
   * State names X whose output `next.X` may be written into X's own buffer (graph/in-place.ts):
   * every reader of X runs before the node that writes next.X. StateRunner then keeps one buffer
   * for X instead of two.
   */
  inPlace?: string[];
}
