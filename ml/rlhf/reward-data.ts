// Reward-model data: whole-ranking export lines and TRL preference pairs, read into comparison
// groups (one ranking, or one pair, each), and the reference set for normalisation. Every bad
// line is refused with one sentence naming the file and the line, before any training starts.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../model/config';
import { encodeChat, type ChatMessage } from '../tokenizer/chat';
import type { Role, Tokenizer } from '../tokenizer/types';
import { fitChat, type Overlong } from '../train/truncate';
import { emptyStats, tally, type TruncationStats } from '../train/truncate-report';

/** One comparison inside a group: indices into the group's sequences. */
export interface Comparison {
  win: number;
  lose: number;
  /** Tier distance (rankings) or the line's margin (pairs); 0 for a tie. */
  margin: number;
  /** Equal tiers (only kept with includeTies). */
  tie: boolean;
}

/** A ranking (K sequences, its comparisons) or a pair (2 sequences, 1 comparison). */
export interface RewardGroup {
  /** The prompt as text: the validation split holds out whole prompts. */
  prompt: string;
  /** prompt + response + eos token ids, one per response. */
  seqs: number[][];
  /** Tokens of each sequence's (cut) prompt: the response starts there (DPO scores only the response). */
  promptLens: number[];
  pairs: Comparison[];
  /** "file line n", for messages. */
  where: string;
}

/**
 * How the readers fit sequences (THE truncation policy, ml/train/truncate.ts): at most `maxTokens`
 * each, responses sharing a prompt get the same cut prompt, overlong responses are cut at the end
 * or skipped (with their comparisons). Every response is counted into `stats`.
 */
export interface RewardFit {
  maxTokens: number;
  overlong: Overlong;
  stats: TruncationStats;
}

/** No limit: every sequence whole (nothing is counted anywhere that matters). */
const whole = (): RewardFit => ({ maxTokens: Infinity, overlong: 'skip', stats: emptyStats('responses') });

type Json = Record<string, unknown>;
const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

/** The reward model's input: the chat prompt with the assistant's generation prompt, the response, eos. */
export function rewardInput(tok: Tokenizer, prompt: string | readonly ChatMessage[], response: string): number[] {
  const messages = typeof prompt === 'string' ? [{ role: 'user' as const, content: prompt }] : prompt;
  return [...encodeChat(tok, messages, { addGenerationPrompt: true }).ids, ...tok.encode(response), tok.eos];
}

/** Calls `visit` on every non-empty line of each JSONL file, with "file line n" for messages. */
export function readJsonl(files: readonly string[], visit: (j: Json, where: string) => void): void {
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new ConfigError(`data file ${f} cannot be read: ${(e as Error).message}`);
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${f} line ${i + 1}`;
      let j: unknown;
      try {
        j = JSON.parse(line);
      } catch {
        throw new ConfigError(`${where} is not JSON: the file should be JSONL, one JSON object per line`);
      }
      if (!j || typeof j !== 'object' || Array.isArray(j))
        throw new ConfigError(`${where} is not a JSON object: the file should be JSONL, one object per line`);
      visit(j as Json, where);
    });
  }
}

function messages(v: unknown, where: string, field: string): ChatMessage[] {
  const ok = Array.isArray(v) && v.length > 0 && v.every((m) => m && typeof m === 'object' && ROLES.includes(m.role) && typeof m.content === 'string');
  if (!ok) throw new ConfigError(`${where}: "${field}" should be a string or a non-empty list of {role: system|user|assistant, content: string}`);
  return (v as ChatMessage[]).map((m) => ({ role: m.role, content: m.content }));
}

/** A prompt field: a string (one user turn) or a message list. */
export function promptOf(v: unknown, where: string, field = 'prompt'): ChatMessage[] {
  if (typeof v === 'string') return [{ role: 'user', content: v }];
  return messages(v, where, field);
}

/** A completion field: a string, or messages whose last is the assistant's answer (earlier ones extend the prompt). */
export function completionOf(v: unknown, where: string, field: string): { context: ChatMessage[]; response: string } {
  if (typeof v === 'string') return { context: [], response: v };
  const m = messages(v, where, field);
  const last = m[m.length - 1];
  if (last.role !== 'assistant') throw new ConfigError(`${where}: the last message of "${field}" should be the assistant's answer, got role "${last.role}"`);
  return { context: m.slice(0, -1), response: last.content };
}

/**
 * One prompt and its responses fitted together: the kept sequences (prompt + response [+ eos]) and,
 * per response, its index among them (−1 when skipped).
 */
function fitResponses(
  tok: Tokenizer,
  prompt: readonly ChatMessage[],
  responses: readonly string[],
  f: RewardFit,
): { seqs: number[][]; promptLens: number[]; index: number[] } {
  const r = fitChat(tok, prompt, responses, { maxTokens: f.maxTokens, overlong: f.overlong });
  tally(f.stats, r, true);
  const seqs: number[][] = [];
  const index = r.responses.map((x) => (x ? seqs.push([...r.prompt, ...x]) - 1 : -1));
  return { seqs, promptLens: seqs.map(() => r.prompt.length), index };
}

/** The comparisons between kept responses, renumbered into the kept sequences. */
function keptPairs(pairs: readonly Comparison[], index: readonly number[]): Comparison[] {
  return pairs.filter((c) => index[c.win] >= 0 && index[c.lose] >= 0).map((c) => ({ ...c, win: index[c.win], lose: index[c.lose] }));
}

const text = (m: readonly ChatMessage[]) => m.map((x) => `${x.role}: ${x.content}`).join('\n');

/** Tiers from "A > B = C" for K responses; letters must name responses that exist. */
function parseRanking(s: string, k: number, where: string): number[][] {
  return s.split('>').map((tier) =>
    tier.split('=').map((item) => {
      const letter = item.trim().toUpperCase();
      const pos = letter.length === 1 ? letter.charCodeAt(0) - 65 : -1;
      if (pos < 0 || pos >= k)
        throw new ConfigError(`${where}: the ranking "${s}" names "${item.trim()}", but the line has ${k} responses (A to ${String.fromCharCode(64 + k)})`);
      return pos;
    }),
  );
}

function tiersOf(j: Json, k: number, where: string): number[][] {
  let tiers: number[][];
  if (j.tiers !== undefined) {
    if (!Array.isArray(j.tiers) || !j.tiers.every((t) => Array.isArray(t) && t.every((x) => Number.isInteger(x)))) {
      throw new ConfigError(`${where}: "tiers" should be a list of lists of response indices, best first`);
    }
    tiers = j.tiers as number[][];
  } else if (typeof j.ranking === 'string') tiers = parseRanking(j.ranking, k, where);
  else throw new ConfigError(`${where} has neither "tiers" nor "ranking"`);
  const seen = new Set<number>();
  for (const x of tiers.flat()) {
    if (x < 0 || x >= k) throw new ConfigError(`${where}: the tiers name response ${x}, but the line has ${k} responses (0 to ${k - 1})`);
    if (seen.has(x)) throw new ConfigError(`${where}: the tiers name response ${x} twice`);
    seen.add(x);
  }
  if (j.tiers !== undefined && typeof j.ranking === 'string') {
    const fromText = parseRanking(j.ranking, k, where);
    const same = fromText.length === tiers.length && fromText.every((t, i) => [...t].sort().join() === [...tiers[i]].sort().join());
    if (!same) throw new ConfigError(`${where}: "ranking" ${JSON.stringify(j.ranking)} and "tiers" ${JSON.stringify(j.tiers)} disagree`);
  }
  return tiers;
}

/** Whole-ranking export lines: every strict pair across tiers (better tier wins), ties only with includeTies. */
export function readRankings(files: readonly string[], tok: Tokenizer, o: { includeTies: boolean; fit?: RewardFit }): RewardGroup[] {
  const fit = o.fit ?? whole();
  const out: RewardGroup[] = [];
  readJsonl(files, (j, where) => {
    if (j.chosen !== undefined || j.rejected !== undefined)
      throw new ConfigError(`${where} is a preference pair (prompt/chosen/rejected), not a whole ranking: set format to "pairs"`);
    const prompt = promptOf(j.prompt ?? j.messages, where);
    const r = j.responses;
    if (!Array.isArray(r) || r.length < 2 || !r.every((x) => typeof x === 'string'))
      throw new ConfigError(`${where}: "responses" should be a list of at least 2 strings`);
    const tiers = tiersOf(j, r.length, where);
    const pairs: Comparison[] = [];
    tiers.forEach((better, i) =>
      tiers.forEach((worse, jj) => {
        if (jj < i) return;
        if (jj === i && !o.includeTies) return;
        for (const a of better) for (const b of worse) if (jj > i || a < b) pairs.push({ win: a, lose: b, margin: jj - i, tie: jj === i });
      }),
    );
    // A pairwise ranking with a preference strength carries Llama 2's margin for it (3 / 2 / 1 / 0).
    if (j.margin !== undefined) {
      if (!(typeof j.margin === 'number' && j.margin >= 0)) throw new ConfigError(`${where}: "margin" should be a number >= 0`);
      if (r.length !== 2 || tiers.length !== 2) throw new ConfigError(`${where}: "margin" fits only two responses, one better`);
      for (const p of pairs) p.margin = j.margin;
    }
    const { seqs, promptLens, index } = fitResponses(tok, prompt, r as string[], pairs.length ? fit : whole()); // a group with no comparison is left out, uncounted
    out.push({ prompt: text(prompt), seqs, promptLens, pairs: keptPairs(pairs, index), where });
  });
  return out;
}

/**
 * TRL preference lines: prompt/chosen/rejected as strings or message lists, optional margin. The
 * export writes ties as pairs with margin 0: they give no comparison unless includeTies.
 */
export function readPairs(files: readonly string[], tok: Tokenizer, o: { margin: boolean; includeTies?: boolean; fit?: RewardFit }): RewardGroup[] {
  const fit = o.fit ?? whole();
  const out: RewardGroup[] = [];
  readJsonl(files, (j, where) => {
    if (j.responses !== undefined) throw new ConfigError(`${where} is a whole ranking (responses/tiers), not a preference pair: set format to "rankings"`);
    if (j.chosen === undefined || j.rejected === undefined)
      throw new ConfigError(`${where} has no "chosen" and "rejected": pairs data should be TRL lines {prompt, chosen, rejected}`);
    const prompt = j.prompt === undefined ? [] : promptOf(j.prompt, where);
    const chosen = completionOf(j.chosen, where, 'chosen');
    const rejected = completionOf(j.rejected, where, 'rejected');
    if (!prompt.length && !chosen.context.length) throw new ConfigError(`${where} has no prompt`);
    if (j.margin !== undefined && !(typeof j.margin === 'number' && j.margin >= 0)) throw new ConfigError(`${where}: "margin" should be a number >= 0`);
    if (o.margin && j.margin === undefined) throw new ConfigError(`${where}: margin is on but the line has no "margin" >= 0`);
    if (j.tie !== undefined && typeof j.tie !== 'boolean') throw new ConfigError(`${where}: "tie" should be true or false`);
    // A line that says whether it is a tie is believed (a "negligibly better" pair has margin 0 and
    // tie false); one that does not is a tie when its margin is 0 (the older export layout).
    const tie = typeof j.tie === 'boolean' ? j.tie : j.margin === 0;
    const margin = o.margin && !tie ? (j.margin as number) : 0;
    const pairs = tie && !o.includeTies ? [] : [{ win: 0, lose: 1, margin, tie }];
    const f = pairs.length ? fit : whole(); // a tie left out is not counted
    // one prompt for both answers (cut alike); conversational pairs whose contexts differ are fitted apart
    const a = [...prompt, ...chosen.context];
    const b = [...prompt, ...rejected.context];
    let fitted: { seqs: number[][]; promptLens: number[]; index: number[] };
    if (JSON.stringify(a) === JSON.stringify(b)) fitted = fitResponses(tok, a, [chosen.response, rejected.response], f);
    else {
      const [x, y] = [fitResponses(tok, a, [chosen.response], f), fitResponses(tok, b, [rejected.response], f)];
      fitted = { seqs: [...x.seqs, ...y.seqs], promptLens: [...x.promptLens, ...y.promptLens], index: [x.index[0], y.index[0] < 0 ? -1 : x.seqs.length] };
    }
    out.push({ prompt: text(a), seqs: fitted.seqs, promptLens: fitted.promptLens, pairs: keptPairs(pairs, fitted.index), where });
  });
  return out;
}

/** The normalisation reference set: SFT lines {messages} (ending with the assistant), {prompt, response} or {prompt, completion}. */
export function readReference(files: readonly string[], tok: Tokenizer, fit: RewardFit = whole()): number[][] {
  const out: number[][] = [];
  readJsonl(files, (j, where) => {
    if (j.messages !== undefined) {
      const { context, response } = completionOf(j.messages, where, 'messages');
      out.push(...fitResponses(tok, context, [response], fit).seqs);
    } else if (j.prompt !== undefined && (typeof j.response === 'string' || typeof j.completion === 'string')) {
      out.push(...fitResponses(tok, promptOf(j.prompt, where), [(j.response ?? j.completion) as string], fit).seqs);
    } else throw new ConfigError(`${where} has neither "messages" nor "prompt" with "response": the reference set should be SFT JSONL`);
  });
  return out;
}
