// Training models: what one run() computes. All of them read parameters and optimizer
// state as inputs and return the new values as `next.<name>` outputs (see StateRunner).

import { grad } from '../autodiff/grad';
import type { BuiltModel, ParamSpec, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import type { AnyTypedArray } from '../onnx/dtypes';
import { replay } from '../graph/replay';
import { adamw, momentNames, type AdamWOptions } from './adamw';

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

/** The name of step k's copy of a per-step input or output in a multi-step model (step 0 keeps the name). */
export const stepName = (name: string, k: number) => (k === 0 ? name : `${name}@${k}`);

/** The feeds of a multi-step model from each step's own feeds (data, lr, step). */
export function stepFeeds(steps: ReadonlyArray<Record<string, AnyTypedArray>>): Record<string, AnyTypedArray> {
  const out: Record<string, AnyTypedArray> = {};
  steps.forEach((feeds, k) => {
    for (const [name, data] of Object.entries(feeds)) out[stepName(name, k)] = data;
  });
  return out;
}

/**
 * Forward + backward + AdamW in one model: outputs loss, metrics, grad_norm and next.*.
 *
 * With `steps` > 1 the model makes that many optimizer steps per run, each on its own batch:
 * every input other than the trained parameters and their moments (the data, `lr`, `step`) is
 * fed once per step as `name@k` (k = 1..steps-1; step 0 keeps the plain names), each step's
 * loss and metrics come back as `loss@k`, ..., and next.* hold the state after the last step.
 * It equals `steps` runs of the one-step model, and pays once for what a run costs besides its
 * arithmetic: onnxruntime-node copies every fetched output (here the whole updated state) into
 * fresh buffers after each run.
 */
export function trainStepModel(g: Graph, spec: LossSpec, opt: AdamWOptions = {}, steps = 1): BuiltModel {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`trainStepModel: steps must be an integer >= 1, got ${steps}`);
  const params = spec.params ?? g.params;
  const grads = grad(g, spec.loss, params);
  const first: Record<string, Value> = { loss: spec.loss, ...spec.metrics, ...adamw(g, params, grads, opt) };
  if (steps === 1) return g.toModel({ outputs: first });

  // the state a step hands to the next: each trained parameter and its two moments
  const state = new Map<Value, string>(); // value read by step 0 -> its next.* output name
  const byName = new Map([...g.inputs, ...g.params].map((v) => [v.name, v]));
  for (const p of params) {
    const name = g.paramSpecs.get(p)!.name;
    state.set(p, `next.${name}`);
    for (const moment of Object.values(momentNames(name))) state.set(byName.get(moment)!, `next.${moment}`);
  }
  const perStep = g.inputs.filter((v) => !state.has(v)); // data, lr, step
  const outputs: Record<string, Value> = {};
  for (const [name, v] of Object.entries(first)) if (!name.startsWith('next.')) outputs[name] = v;
  let last = first;
  for (let k = 1; k < steps; k++) {
    const subst = new Map<Value, Value>();
    for (const [v, next] of state) subst.set(v, last[next]);
    for (const v of perStep) subst.set(v, g.input(stepName(v.name, k), v.dtype, v.shape));
    const at = replay(g, Object.values(first), subst);
    last = Object.fromEntries(Object.entries(first).map(([name, v]) => [name, at(v)]));
    for (const [name, v] of Object.entries(last)) if (!name.startsWith('next.')) outputs[stepName(name, k)] = v;
  }
  for (const [name, v] of Object.entries(last)) if (name.startsWith('next.')) outputs[name] = v;
  return g.toModel({ outputs });
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
