// The fixed held-out prompts a training run answers at each evaluation (SFT, DPO, PPO): read from
// the run's JSONL files a line at a time, so a large export is never held whole.
import "server-only";
import fs from "node:fs";
import type { SampleSpec } from "../../ml/index";

type Msg = { role: "system" | "user" | "assistant"; content: string };

/** How many held-out prompts a run answers at each evaluation, and how long the answers may be. */
const SAMPLE_PROMPTS = 3;
const SAMPLE_NEW_TOKENS = 32;

const isMsg = (m: unknown): m is Msg =>
  typeof m === "object" && m !== null && typeof (m as Msg).content === "string" && ["system", "user", "assistant"].includes((m as Msg).role);

/**
 * The prompt of one export line as a chat that ends before the assistant's answer: {messages} up to
 * the last assistant turn, {prompt} as text (a user turn) or as messages (TRL's conversational layout).
 */
export function linePrompt(j: Record<string, unknown>): Msg[] | null {
  if (Array.isArray(j.messages) && j.messages.every(isMsg)) {
    const msgs = j.messages as Msg[];
    let end = msgs.length;
    while (end > 0 && msgs[end - 1]?.role === "assistant") end--;
    return end > 0 ? msgs.slice(0, end) : null;
  }
  if (typeof j.prompt === "string" && j.prompt.trim()) return [{ role: "user", content: j.prompt }];
  if (Array.isArray(j.prompt) && j.prompt.length && j.prompt.every(isMsg)) return j.prompt as Msg[];
  return null;
}

/** Each non-empty line of a JSONL file, read in 64 KiB chunks; stop early by returning from the loop. */
function* jsonlLines(file: string): Generator<Record<string, unknown>> {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    let rest = "";
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      const text = rest + buf.toString("utf8", 0, n);
      const parts = n ? text.split("\n") : [text];
      rest = n ? parts.pop()! : "";
      for (const l of parts) if (l.trim()) yield JSON.parse(l) as Record<string, unknown>;
      if (!n) return;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Up to `n` distinct prompts of `files`, in file order. */
export function firstPrompts(files: readonly string[], n = SAMPLE_PROMPTS): Msg[][] {
  const out: Msg[][] = [];
  const seen = new Set<string>();
  for (const f of files) {
    for (const j of jsonlLines(f)) {
      const p = linePrompt(j);
      const key = JSON.stringify(p);
      if (!p || seen.has(key)) continue;
      seen.add(key);
      out.push(p);
      if (out.length >= n) return out;
    }
  }
  return out;
}

/**
 * SFT's held-out prompts: the validation files' first ones; without validation files, the trainer
 * holds out the last `valFraction` of the examples (ml/train/trainer.ts), so those lines' prompts
 * (the last lines when valFraction is 0).
 */
export function sftHeldOutPrompts(data: readonly string[], valData: readonly string[], valFraction: number, n = SAMPLE_PROMPTS): Msg[][] {
  if (valData.length) return firstPrompts(valData, n);
  const all: (Msg[] | null)[] = [];
  for (const f of data) for (const j of jsonlLines(f)) all.push(linePrompt(j));
  const nVal = valFraction > 0 ? Math.max(1, Math.floor(all.length * valFraction)) : n;
  const out: Msg[][] = [];
  const seen = new Set<string>();
  for (const p of all.slice(Math.max(0, all.length - nVal))) {
    const key = JSON.stringify(p);
    if (!p || seen.has(key)) continue;
    seen.add(key);
    out.push(p);
    if (out.length >= n) break;
  }
  return out;
}

/** The trainers' `samples` setting for these prompts: greedy answers of up to SAMPLE_NEW_TOKENS tokens. */
export function sampleSpec(prompts: Msg[][]): SampleSpec {
  return { prompts, maxNewTokens: SAMPLE_NEW_TOKENS, temperature: 0, seed: 0 };
}
