// Every GPT-2 body parameter, declared once: its Hugging Face name, shape and initialization.
// The graph builder (declareGPT), the checkpoint writer and validator, paramCount and the
// memory estimate all read this list, so a shape is written in exactly one place.

import type { Init } from '../graph/value';
import type { GPTConfig } from './config';

export interface ParamDecl {
  /** Hugging Face's name (`h.0.attn.c_attn.weight`), Conv1D's (in, out) weight layout. */
  name: string;
  shape: number[];
  init: Init;
}

/** The body's parameters in declaration order (the lm head is tied to wte, so it has none). */
export function gptParamDecls(c: GPTConfig): ParamDecl[] {
  const C = c.nEmbd;
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * c.nLayer); // GPT-2: residual projections scaled by depth
  const out: ParamDecl[] = [];
  const norm = (name: string) => {
    out.push({ name: `${name}.weight`, shape: [C], init: { kind: 'ones' } }, { name: `${name}.bias`, shape: [C], init: { kind: 'zeros' } });
  };
  const linear = (name: string, nIn: number, nOut: number, s = std) => {
    out.push(
      { name: `${name}.weight`, shape: [nIn, nOut], init: { kind: 'normal', std: s } },
      { name: `${name}.bias`, shape: [nOut], init: { kind: 'zeros' } },
    );
  };
  out.push({ name: 'wte.weight', shape: [c.vocabSize, C], init: { kind: 'normal', std } }); // (V, C), also the lm head
  out.push({ name: 'wpe.weight', shape: [c.nCtx, C], init: { kind: 'normal', std: 0.01 } }); // (nCtx, C)
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}`;
    norm(`${p}.ln_1`);
    linear(`${p}.attn.c_attn`, C, 3 * C); // fused q, k, v
    linear(`${p}.attn.c_proj`, C, C, projStd);
    norm(`${p}.ln_2`);
    linear(`${p}.mlp.c_fc`, C, 4 * C);
    linear(`${p}.mlp.c_proj`, 4 * C, C, projStd);
  }
  norm('ln_f');
  return out;
}

/** The Hugging Face name and shape of every body tensor, in declaration order. */
export function gptTensorShapes(c: GPTConfig): Array<[string, number[]]> {
  return gptParamDecls(c).map((d) => [d.name, d.shape]);
}

/** Number of parameters (the lm head is tied to wte, so it adds none). */
export function paramCount(c: GPTConfig): number {
  return gptParamDecls(c).reduce((n, d) => n + d.shape.reduce((a, b) => a * b, 1), 0);
}
