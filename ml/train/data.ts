// Training data: plain text for pretraining (one token stream, random windows, every token
// counted) and chat examples for SFT (right-padded, only response tokens counted).

import { readFileSync } from 'node:fs';
import { ConfigError } from '../model/config';
import { prng } from '../runtime/init';
import { encodeChat, type ChatMessage } from '../tokenizer/chat';
import type { Tokenizer } from '../tokenizer/types';

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

/** Reads SFT examples: JSONL lines of {"messages": [...]} or {"prompt": ..., "response": ...}. */
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
        if (Array.isArray(j.messages)) out.push(j.messages);
        else if (typeof j.prompt === 'string' && typeof j.response === 'string') {
          out.push([
            { role: 'user', content: j.prompt },
            { role: 'assistant', content: j.response },
          ]);
        } else throw new ConfigError(`${f} line ${i + 1} has neither "messages" nor "prompt" and "response"`);
      });
  }
  return out;
}

export function chatDataset(tok: Tokenizer, examples: readonly ChatMessage[][], seed: number): LMDataset {
  const encoded = examples.map((m) => encodeChat(tok, m));
  return {
    size: encoded.length,
    batch(B, T, step, micro) {
      if (!encoded.length) throw new ConfigError('SFT data: no examples');
      const r = prng((seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0);
      const input = new BigInt64Array(B * T).fill(BigInt(tok.pad));
      const targets = new BigInt64Array(B * T).fill(BigInt(tok.pad));
      const mask = new Float32Array(B * T);
      let tokens = 0;
      for (let b = 0; b < B; b++) {
        const ex = encoded[Math.floor(r() * encoded.length)];
        const n = Math.min(ex.ids.length - 1, T); // longer examples are truncated to the window
        for (let t = 0; t < n; t++) {
          input[b * T + t] = BigInt(ex.ids[t]);
          targets[b * T + t] = BigInt(ex.ids[t + 1]);
          mask[b * T + t] = ex.responseMask[t + 1]; // count a position when its target is a response token
          tokens += ex.responseMask[t + 1];
        }
      }
      return { input_ids: input, position_ids: positions(B, T), targets, loss_mask: mask, tokens };
    },
  };
}
