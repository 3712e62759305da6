// Whether two decoders are the same architecture with the same tokenizer: the trainers' checks
// (PPO's reference and reward model, DPO's reference), and the same checks on two folders' config.json
// and tokenizer files only (no weights), what the app runs before it queues a DPO run with a reference.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configFromHf } from '../checkpoint/checkpoint';
import { ConfigError, type GPTConfig } from '../model/config';
import { checkpointTokenizer } from '../tokenizer/index';
import type { Tokenizer } from '../tokenizer/types';

const CONFIG_FIELDS = ['vocabSize', 'nCtx', 'nEmbd', 'nLayer', 'nHead', 'layerNormEpsilon'] as const;

/** Refuses two model configs that differ, naming the first field. */
export function assertSameConfig(a: GPTConfig, b: GPTConfig, what: string): void {
  for (const f of CONFIG_FIELDS) if (a[f] !== b[f]) throw new ConfigError(`${what}: ${f} differs (${a[f]} vs ${b[f]}), so they are not the same model`);
}

/**
 * Refuses a model whose tokenizer is not the policy's: a reward model would score other tokens than
 * were sampled, a DPO reference would give log-probs of other tokens. `what` names it in the sentence.
 */
export function assertSameTokenizer(
  policy: { config: GPTConfig; tok: Tokenizer },
  other: { config: GPTConfig; tok: Tokenizer },
  dir: string,
  what = 'reward model',
): void {
  const p = policy.tok;
  const r = other.tok;
  if (p.kind !== r.kind || p.vocabSize !== r.vocabSize || p.eos !== r.eos || policy.config.vocabSize !== other.config.vocabSize) {
    throw new ConfigError(
      `${what} ${dir} was built on another tokenizer than the policy (${r.kind}, ${r.vocabSize} tokens, eos ${r.eos}, vocabSize ${other.config.vocabSize} vs ${p.kind}, ${p.vocabSize} tokens, eos ${p.eos}, vocabSize ${policy.config.vocabSize})`,
    );
  }
}

/** A decoder folder's config and tokenizer, without its weights. */
export function decoderIdentity(dir: string): { config: GPTConfig; tok: Tokenizer } {
  const j = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const studio = (j.rlhf_studio ?? {}) as { tokenizer?: unknown };
  return { config: configFromHf(j, path.join(dir, 'config.json')), tok: checkpointTokenizer(dir, studio.tokenizer === 'byte' ? 'byte' : undefined) };
}

/**
 * Refuses a DPO reference unless it has the policy's architecture and tokenizer, in the trainer's
 * sentences; `names` say how to call the two models there (e.g. by their artifact names, not folders).
 */
export function assertReferenceFits(policyDir: string, refDir: string, names: { policy: string; reference: string }): void {
  const p = decoderIdentity(policyDir);
  const r = decoderIdentity(refDir);
  assertSameConfig(p.config, r.config, `the reference ${names.reference} and ${names.policy}`);
  assertSameTokenizer(p, r, names.reference, 'the reference');
}
