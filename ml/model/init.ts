// Parameter specs and seeded initial weights of a GPT-2 body.

import type { ParamSpec } from '../graph/core';
import { Graph } from '../graph/graph';
import { initParams } from '../runtime/init';
import type { GPTConfig } from './config';
import { declareGPT } from './gpt';

/** The body's parameter specs (names, shapes, init, decay), in declaration order. */
export function gptParamSpecs(c: GPTConfig): ParamSpec[] {
  const g = new Graph();
  declareGPT(g, c);
  return g.paramList;
}

/** Fresh GPT-2 weights (normal 0.02, residual projections 0.02/√(2·nLayer), LayerNorm 1/0), seeded. */
export function initGPT(c: GPTConfig, seed = 1337): Record<string, Float32Array> {
  return initParams(gptParamSpecs(c), seed) as Record<string, Float32Array>;
}
