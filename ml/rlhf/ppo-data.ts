// PPO's data: the prompt set (the PPO-prompts export: JSONL of {prompt} or {messages}), encoded in
// THE chat format with the generation prompt, and the optional pretraining/SFT data of PPO-ptx.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../model/config';
import { encodeChat, type ChatMessage } from '../tokenizer/chat';
import type { Tokenizer } from '../tokenizer/types';
import { chatDataset, readChatExamples, streamDataset, tokenStream, type LMDataset } from '../train/data';
import { fitChat } from '../train/truncate';
import { tally, type TruncationStats } from '../train/truncate-report';

/** Reads prompt lines: {"prompt": "..."} (one user message) or {"messages": [...]} ending with a user or system turn. */
export function readPrompts(files: readonly string[]): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new ConfigError(`prompt file ${f} cannot be read: ${(e as Error).message}`);
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let j: { prompt?: unknown; messages?: unknown };
      try {
        j = JSON.parse(line);
      } catch (e) {
        throw new ConfigError(`${f} line ${i + 1} does not parse as JSON: ${(e as Error).message}`);
      }
      if (typeof j.prompt === 'string') out.push([{ role: 'user', content: j.prompt }]);
      else if (Array.isArray(j.messages) && j.messages.length) {
        const msgs = j.messages as ChatMessage[];
        if (msgs[msgs.length - 1].role === 'assistant')
          throw new ConfigError(`${f} line ${i + 1} ends with an assistant message; a PPO prompt ends with the user's turn`);
        out.push(msgs);
      } else throw new ConfigError(`${f} line ${i + 1} has neither "prompt" nor "messages"`);
    });
  }
  if (!out.length) throw new ConfigError(`the prompt set is empty: ${files.join(', ')} hold no prompts`);
  return out;
}

/** Prompt token ids as the reward model expects them: encodeChat(..., { addGenerationPrompt: true }).ids. */
export function encodePrompts(tok: Tokenizer, prompts: readonly ChatMessage[][]): number[][] {
  return prompts.map((m) => encodeChat(tok, m, { addGenerationPrompt: true }).ids);
}

/**
 * Prompt ids that leave `maxNewTokens` of `maxTokens` free, by THE truncation policy (earliest
 * turns dropped first, then the oldest kept turn cut from the left; the markers stay), counted into
 * `stats`. A prompt whose markers alone do not fit beside maxNewTokens is refused in one sentence.
 */
export function fitPrompts(
  tok: Tokenizer,
  prompts: readonly ChatMessage[][],
  o: { maxTokens: number; maxNewTokens: number; stats: TruncationStats },
): number[][] {
  return prompts.map((m) => {
    const f = fitChat(tok, m, [], { maxTokens: o.maxTokens, reserve: o.maxNewTokens, overlong: 'skip' });
    tally(o.stats, f);
    if (!f.kept) {
      throw new ConfigError(
        `PPO config: maxNewTokens ${o.maxNewTokens} leaves ${Math.max(0, o.maxTokens - o.maxNewTokens)} of the context's ${o.maxTokens} tokens for the prompt, fewer than the ${f.markers} its chat markers need`,
      );
    }
    return f.prompt;
  });
}

/**
 * PPO-ptx data: SFT JSONL when every file ends in .jsonl (response tokens count, fitted to rows of
 * T positions by the truncation policy), else plain text (every token counts).
 */
export function ptxDataset(tok: Tokenizer, files: readonly string[], seed: number, T: number): LMDataset {
  if (files.every((f) => f.endsWith('.jsonl'))) return chatDataset(tok, readChatExamples(files), seed, { seqLen: T, overlong: 'truncate' });
  return streamDataset(tokenStream(tok, files), seed, 'ptx data');
}

/** A seed for (seed, a, b): every random draw of a run derives from it, so resume replays it. */
export function mixSeed(seed: number, a: number, b = 0): number {
  return (seed ^ Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0;
}

/** `n` prompt indices for one iteration: without replacement when the set is large enough. */
export function drawPrompts(count: number, n: number, rand: () => number): number[] {
  if (count < n) return Array.from({ length: n }, () => Math.floor(rand() * count));
  const idx = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (count - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, n);
}

/** A seeded permutation of 0..n−1 (minibatch order). */
export function shuffled(n: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}
