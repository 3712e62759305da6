// Training models: what one run() computes. All of them read parameters and optimizer
// state as inputs and return the new values as `next.<name>` outputs (see StateRunner).

import { grad } from '../autodiff/grad';
import type { BuiltModel, ParamSpec, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import { adamw, type AdamWOptions } from './adamw';

export interface LossSpec {
  /** Scalar loss to minimize. */
  loss: Value;
  /** Extra outputs returned with the loss (accuracies, KL, ...). */
  metrics?: Record<string, Value>;
  /** Parameters to train (default: every parameter of the graph). */
  params?: readonly Value[];
}

/** Name of the gradient accumulator of parameter `name`. */
export const accName = (name: string) => `acc.${name}`;

/** Forward + backward + AdamW in one model: outputs loss, metrics, grad_norm and next.*. */
export function trainStepModel(g: Graph, spec: LossSpec, opt: AdamWOptions = {}): BuiltModel {
  const params = spec.params ?? g.params;
  const grads = grad(g, spec.loss, params);
  return g.toModel({ outputs: { loss: spec.loss, ...spec.metrics, ...adamw(g, params, grads, opt) } });
}

/**
 * Forward + backward only, for gradient accumulation over micro-batches: adds this batch's
 * gradients to accumulators `acc.<p>` (outputs `next.acc.<p>`). Run optimizerModel after the
 * last micro-batch; it applies the update and zeroes the accumulators.
 */
export function gradientModel(g: Graph, spec: LossSpec): BuiltModel {
  const params = spec.params ?? g.params;
  const grads = grad(g, spec.loss, params);
  const outputs: Record<string, Value> = { loss: spec.loss, ...spec.metrics };
  params.forEach((p, i) => {
    const name = accName(g.paramSpecs.get(p)!.name);
    outputs[`next.${name}`] = g.add(g.input(name, p.dtype, p.shape), grads[i]);
  });
  return g.toModel({ outputs });
}

/**
 * AdamW on accumulated gradients: reads params, moments and `acc.<p>` (scaled by `gradScale`,
 * e.g. 1/micro-batches), writes next params and moments, and resets the accumulators.
 */
export function optimizerModel(specs: readonly ParamSpec[], opt: AdamWOptions & { gradScale?: number } = {}): BuiltModel {
  const g = new Graph({ dtype: specs[0]?.dtype ?? 'float32', name: 'adamw' });
  const params = specs.map((s) => g.param(s.name, s.shape, { dtype: s.dtype, init: s.init, decay: s.decay }));
  const grads = params.map((p, i) => {
    const acc = g.input(accName(specs[i].name), p.dtype, p.shape);
    return opt.gradScale === undefined || opt.gradScale === 1 ? acc : g.mul(acc, opt.gradScale);
  });
  const outputs = adamw(g, params, grads, opt);
  params.forEach((p, i) => (outputs[`next.${accName(specs[i].name)}`] = g.zeros(p.shape, p.dtype)));
  return g.toModel({ outputs });
}
