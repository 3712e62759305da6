// Training data: plain text for pretraining (one token stream, random windows, every token
// counted) and chat examples for SFT (right-padded, only response tokens counted).

import { readFileSync } from 'node:fs';
import { ConfigError } from '../model/config';
import { prng } from '../runtime/init';
import type { ChatMessage } from '../tokenizer/chat';
import type { Role, Tokenizer } from '../tokenizer/types';
import { fitChat, splitResponse, type Overlong } from './truncate';
import { emptyStats, tally, type TruncationStats } from './truncate-report';

/** One micro-batch: inputs and next-token targets (B, T) and the loss mask (B, T). */
export interface LMBatch {
  input_ids: BigInt64Array;
  position_ids: BigInt64Array;
  targets: BigInt64Array;
  loss_mask: Float32Array;
  /** Positions that count (tokens trained on). */
  tokens: number;
}

export interface LMDataset {
  /** Number of examples (SFT) or windows (pretraining) for information. */
  size: number;
  /** The micro-batch drawn for (step, micro), deterministic in the seed (so resume replays the same data). */
  batch(B: number, T: number, step: number, micro: number): LMBatch;
}

const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`data file ${file} cannot be read: ${(e as Error).message}`);
  }
}

function positions(B: number, T: number): BigInt64Array {
  const p = new BigInt64Array(B * T);
  for (let i = 0; i < B * T; i++) p[i] = BigInt(i % T);
  return p;
}

/** Text files joined into one token stream, documents separated by eos. */
export function tokenStream(tok: Tokenizer, files: readonly string[]): number[] {
  const out: number[] = [];
  for (const f of files) {
    for (const id of tok.encode(read(f))) out.push(id);
    out.push(tok.eos);
  }
  return out;
}

export function streamDataset(stream: readonly number[], seed: number, what: string): LMDataset {
  return {
    size: stream.length,
    batch(B, T, step, micro) {
      if (stream.length < T + 1) throw new ConfigError(`${what}: ${stream.length} tokens, fewer than seqLen + 1 = ${T + 1}`);
      const r = prng((seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0);
      const input = new BigInt64Array(B * T);
      const targets = new BigInt64Array(B * T);
      for (let b = 0; b < B; b++) {
        const start = Math.floor(r() * (stream.length - T));
        for (let t = 0; t < T; t++) {
          input[b * T + t] = BigInt(stream[start + t]);
          targets[b * T + t] = BigInt(stream[start + t + 1]);
        }
      }
      return { input_ids: input, position_ids: positions(B, T), targets, loss_mask: new Float32Array(B * T).fill(1), tokens: B * T };
    },
  };
}

/** Reads SFT examples: JSONL lines of {"messages": [...]} (ending with the assistant's answer) or {"prompt": ..., "response": ...}. */
export function readChatExamples(files: readonly string[]): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  for (const f of files) {
    read(f)
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        let j: { messages?: ChatMessage[]; prompt?: string; response?: string };
        try {
          j = JSON.parse(line);
        } catch (e) {
          throw new ConfigError(`${f} line ${i + 1} does not parse as JSON: ${(e as Error).message}`);
        }
        if (Array.isArray(j.messages)) {
          const ok = j.messages.every((m) => m && ROLES.includes(m.role) && typeof m.content === 'string');
          if (!ok) throw new ConfigError(`${f} line ${i + 1}: "messages" should be a list of {role: system|user|assistant, content: string}`);
          if (j.messages[j.messages.length - 1]?.role !== 'assistant')
            throw new ConfigError(`${f} line ${i + 1}: the last message should be the assistant's answer (the response SFT learns)`);
          out.push(j.messages);
        } else if (typeof j.prompt === 'string' && typeof j.response === 'string') {
          out.push([
            { role: 'user', content: j.prompt },
            { role: 'assistant', content: j.response },
          ]);
        } else throw new ConfigError(`${f} line ${i + 1} has neither "messages" nor "prompt" and "response"`);
      });
  }
  return out;
}

/** A chat example fitted by the truncation policy: ids and the mask of trained tokens (responses). */
interface FittedExample {
  ids: number[];
  mask: number[];
}

export interface ChatDataset extends LMDataset {
  /** What the truncation policy did to these examples. */
  stats: TruncationStats;
  /** Tokens in the longest fitted example (a row needs one position fewer). */
  longest: number;
}

/**
 * SFT examples fitted to `seqLen` by THE truncation policy (truncate.ts): the prompt is cut from
 * the left, the response kept whole, or cut at its end / skipped (`overlong`) when it does not fit
 * beside the minimal prompt. A row of seqLen positions holds seqLen + 1 tokens (inputs and targets).
 */
export function chatDataset(tok: Tokenizer, examples: readonly ChatMessage[][], seed: number, o: { seqLen: number; overlong: Overlong }): ChatDataset {
  const stats = emptyStats('examples');
  const encoded: FittedExample[] = [];
  for (const m of examples) {
    const { prompt, response } = splitResponse(m);
    const f = fitChat(tok, prompt, [response], { maxTokens: o.seqLen + 1, overlong: o.overlong });
    tally(stats, f);
    const r = f.responses[0];
    if (f.kept && r) encoded.push({ ids: [...f.prompt, ...r], mask: [...f.promptMask, ...r.map(() => 1)] });
  }
  const longest = Math.max(0, ...encoded.map((e) => e.ids.length));
  return {
    size: encoded.length,
    stats,
    longest,
    batch(B, T, step, micro) {
      if (!encoded.length) throw new ConfigError(`SFT data: none of the ${examples.length} examples is left to train on at seqLen ${o.seqLen}`);
      if (longest - 1 > T) throw new Error(`chatDataset: rows of ${T} positions for examples fitted to ${longest} tokens`);
      const r = prng((seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0);
      const input = new BigInt64Array(B * T).fill(BigInt(tok.pad));
      const targets = new BigInt64Array(B * T).fill(BigInt(tok.pad));
      const mask = new Float32Array(B * T);
      let tokens = 0;
      for (let b = 0; b < B; b++) {
        const ex = encoded[Math.floor(r() * encoded.length)];
        for (let t = 0; t < ex.ids.length - 1; t++) {
          input[b * T + t] = BigInt(ex.ids[t]);
          targets[b * T + t] = BigInt(ex.ids[t + 1]);
          mask[b * T + t] = ex.mask[t + 1]; // count a position when its target is a response token
          tokens += ex.mask[t + 1];
        }
      }
      // every example kept has response tokens, so this cannot happen; never train on nothing silently
      if (!tokens) throw new Error(`chatDataset: a batch with no response tokens (step ${step})`);
      return { input_ids: input, position_ids: positions(B, T), targets, loss_mask: mask, tokens };
    },
  };
}
