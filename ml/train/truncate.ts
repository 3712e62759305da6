// THE truncation policy, shared by every trainer (SFT, the reward model, PPO prompts, DPO): fit a
// chat example into a token budget without ever losing its response silently.
//
//   1. The response (assistant content + its closing eos) is kept whole; the PROMPT is cut from the
//      left: whole earliest turns are dropped first, then the oldest remaining turn's content loses
//      its first tokens. The bos, every kept role marker and the assistant's generation prompt stay,
//      so the result is still `[bos] (role-tokens content [eos])* role-tokens(assistant)`.
//   2. The prompt never shrinks below its markers: bos, the last turn's role tokens and eos, and the
//      generation prompt. A response that does not fit beside that minimal prompt is `overlong`: it
//      is cut at its END ('truncate') or left out ('skip').
//   3. Several responses sharing one prompt (a ranking, a DPO pair) get the SAME cut prompt, sized
//      for the longest response kept, so they still answer the same prompt.
//
// With no response (PPO prompts) `reserve` tokens are kept free after the prompt for generation.

import type { ChatMessage } from '../tokenizer/chat';
import type { Tokenizer } from '../tokenizer/types';

/** What happens to a response that does not fit beside the minimal prompt. */
export type Overlong = 'truncate' | 'skip';

export interface FitOptions {
  /** Most tokens the whole sequence may hold: prompt + response (+ reserve). */
  maxTokens: number;
  overlong: Overlong;
  /** Tokens kept free after the prompt (PPO: maxNewTokens); 0 by default. */
  reserve?: number;
  /** With 'skip': one overlong response skips all of them (a DPO pair); default false (a ranking keeps the others). */
  together?: boolean;
}

export interface FittedChat {
  /** `[bos] (role content eos)* role(assistant)`, cut from the left; empty when nothing was kept. */
  prompt: number[];
  /** 1 on the content and eos of earlier assistant turns kept whole (SFT trains on them), else 0. */
  promptMask: number[];
  /** Each response's content + eos (a prefix of them when truncated); null when skipped. */
  responses: (number[] | null)[];
  /** Prompt tokens left out (whole turns and the cut turn's first tokens). */
  promptCut: number;
  /** Responses cut at the end. */
  truncated: number;
  /** Response tokens lost: the cut ends and the whole of skipped responses. */
  responseTokensDropped: number;
  /** False when nothing of the example is left (all responses skipped, or a prompt that cannot fit beside `reserve`). */
  kept: boolean;
  /** Tokens the example needs uncut: whole prompt + its longest response (+ reserve). */
  needed: number;
  /** Tokens of the minimal prompt: bos, the last turn's role tokens and eos, the generation prompt. */
  markers: number;
}

interface Turn {
  role: number[];
  content: number[];
  assistant: boolean;
}

/** Fits `prompt` (the turns before the answer) and its `responses` into `o.maxTokens`, per the policy above. */
export function fitChat(tok: Tokenizer, prompt: readonly ChatMessage[], responses: readonly string[], o: FitOptions): FittedChat {
  const turns: Turn[] = prompt.map((m) => ({ role: tok.roleTokens(m.role), content: tok.encode(m.content), assistant: m.role === 'assistant' }));
  const gen = tok.roleTokens('assistant');
  const full = responses.map((r) => [...tok.encode(r), tok.eos]);
  const reserve = o.reserve ?? 0;
  const last = turns[turns.length - 1];
  const markers = 1 + gen.length + (last ? last.role.length + 1 : 0); // the prompt that must remain
  const wholePrompt = 1 + gen.length + turns.reduce((n, t) => n + t.role.length + t.content.length + 1, 0);
  const needed = wholePrompt + Math.max(0, ...full.map((r) => r.length)) + reserve;
  const room = o.maxTokens - reserve - markers; // response tokens that fit beside the minimal prompt

  let kept: (number[] | null)[];
  if (o.overlong === 'skip') {
    const all = !!o.together && full.some((r) => r.length > room);
    kept = full.map((r) => (all || r.length > room ? null : r));
  } else kept = full.map((r) => (room < 1 ? null : r.length > room ? r.slice(0, room) : r));
  const truncated = kept.filter((r, i) => r !== null && r.length < full[i].length).length;
  const responseTokensDropped = full.reduce((n, r, i) => n + r.length - (kept[i]?.length ?? 0), 0);
  const anyKept = responses.length === 0 ? room >= 0 : kept.some((r) => r !== null);
  if (!anyKept) return { prompt: [], promptMask: [], responses: kept, promptCut: 0, truncated, responseTokensDropped, kept: false, needed, markers };

  // the prompt gets what the longest kept response leaves
  const budget = o.maxTokens - reserve - Math.max(0, ...kept.map((r) => r?.length ?? 0));
  let used = 1 + gen.length;
  const fitted: Turn[] = [];
  let cutTurn = false;
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i];
    const size = t.role.length + t.content.length + 1;
    if (used + size <= budget) {
      fitted.unshift(t);
      used += size;
      continue;
    }
    // the oldest turn kept loses its first tokens; the last turn always keeps its markers
    const fits = budget - used - t.role.length - 1;
    if (i === turns.length - 1 || fits > 0) {
      fitted.unshift({ ...t, content: t.content.slice(t.content.length - Math.max(0, fits)) });
      used += t.role.length + Math.max(0, fits) + 1;
      cutTurn = true;
    }
    break;
  }
  const ids = [tok.bos];
  const mask = [0];
  fitted.forEach((t, i) => {
    const m = t.assistant && !(cutTurn && i === 0) ? 1 : 0; // a cut answer is context, not a demonstration
    ids.push(...t.role, ...t.content, tok.eos);
    mask.push(...t.role.map(() => 0), ...t.content.map(() => m), m);
  });
  ids.push(...gen);
  mask.push(...gen.map(() => 0));
  return { prompt: ids, promptMask: mask, responses: kept, promptCut: wholePrompt - ids.length, truncated, responseTokensDropped, kept: true, needed, markers };
}

/** A chat as SFT data holds it: the turns before the last message, and the last message (the assistant's answer). */
export function splitResponse(messages: readonly ChatMessage[]): { prompt: ChatMessage[]; response: string } {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant') throw new Error("splitResponse: the last message is not the assistant's");
  return { prompt: messages.slice(0, -1), response: last.content };
}
