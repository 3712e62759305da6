// Which held-out prompts a trainer answers at each evaluation, and how: the part of the trainers'
// configs that the browser bundle also loads (no node: modules here; eval-samples.ts generates).

import { ConfigError } from '../model/config';
import type { ChatMessage } from '../tokenizer/chat';

/** Which prompts a trainer answers at each evaluation, and how. */
export interface SampleSpec {
  /** The fixed held-out prompts, each a chat that ends before the assistant's turn (none: no samples). */
  prompts: ChatMessage[][];
  /** New tokens per answer at most (fewer when the prompt leaves less of the context). */
  maxNewTokens: number;
  /** 0: greedy; above 0: sampled at this temperature with `seed`, the same draws at every evaluation. */
  temperature: number;
  seed: number;
}

export const SAMPLE_DEFAULTS: SampleSpec = { prompts: [], maxNewTokens: 32, temperature: 0, seed: 0 };

/** `value` over the defaults, checked; `where` names the config in the error ("DPO config"). */
export function resolveSampleSpec(where: string, value: Partial<SampleSpec> | undefined): SampleSpec {
  const s = { ...SAMPLE_DEFAULTS, ...value };
  const chat = (m: unknown) =>
    Array.isArray(m) && m.length > 0 && m.every((x) => typeof x?.content === 'string' && ['system', 'user', 'assistant'].includes(x?.role));
  if (!Array.isArray(s.prompts) || !s.prompts.every(chat))
    throw new ConfigError(`${where}: samples.prompts must be a list of chats ({role, content} messages)`);
  if (!Number.isInteger(s.maxNewTokens) || s.maxNewTokens < 1)
    throw new ConfigError(`${where}: samples.maxNewTokens must be an integer >= 1, got ${JSON.stringify(s.maxNewTokens)}`);
  if (!(s.temperature >= 0)) throw new ConfigError(`${where}: samples.temperature must be >= 0, got ${JSON.stringify(s.temperature)}`);
  if (!Number.isInteger(s.seed)) throw new ConfigError(`${where}: samples.seed must be an integer, got ${JSON.stringify(s.seed)}`);
  return s;
}

/** One prompt and what the model answered. */
export interface EvalSample {
  /** The prompt as text (a single user turn as is; otherwise one `role: content` paragraph per turn). */
  prompt: string;
  output: string;
  /** Tokens generated, and whether the answer ended with eos (else it ran out of tokens). */
  tokens: number;
  finished: boolean;
}

/** A chat as the text a reader sees. */
export function promptText(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0].role === 'user') return messages[0].content;
  return messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
}
