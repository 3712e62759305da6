// Existing preference datasets, read as rankings. Four layouts, each one normalizer in a table:
//   trl            { prompt, chosen, rejected, margin?, tie? }: strings, or message lists (TRL conversational)
//   rankings       our own whole-ranking export: { prompt, responses, tiers | ranking, likert?, flags? }
//   hh-rlhf        Anthropic HH: { chosen, rejected }, two full "\n\nHuman: …\n\nAssistant: …" transcripts
//                  that share everything before their last Assistant turn (the prompt)
//   ultrafeedback  { prompt | instruction, completions: [{ response | text, rating | overall_score | score, model? }] }:
//                  the completions ranked by rating, best first, equal ratings tied
// Every record becomes a prompt, 2..9 answers and their tiers (best first).
import { z } from "zod";
import { parseRanking } from "../ranking/notation";
import { validateTiers, type Tiers } from "../ranking/tiers";
import { ImportError } from "./errors";
import { cleanText, MAX_RESPONSES, MIN_RESPONSES, normalizePromptRecord, type Message, type NormalizedPrompt } from "./records";

export const PREFERENCE_LAYOUTS = ["trl", "rankings", "hh-rlhf", "ultrafeedback"] as const;
export type PreferenceLayout = (typeof PREFERENCE_LAYOUTS)[number];

const LAYOUT_NAMES: Record<PreferenceLayout, string> = {
  trl: "TRL preference pairs",
  rankings: "whole rankings",
  "hh-rlhf": "Anthropic HH-RLHF",
  ultrafeedback: "UltraFeedback-style ratings",
};

export type NormalizedPreference = NormalizedPrompt & {
  /** The answers in the order they are shown (position 0 is "A"). */
  responses: string[];
  /** Positions grouped best first. */
  tiers: Tiers;
  /** The margin a TRL pair gave. */
  margin?: number;
  likert?: (number | null)[];
  flags?: string[][];
  /** One model name per answer ("" when the file names none). */
  models: string[];
};

const NONE_OF_THEM =
  "the record is in none of the preference layouts: TRL pairs (prompt, chosen, rejected), whole rankings (prompt, responses, tiers or ranking), Anthropic HH-RLHF (chosen and rejected transcripts) or UltraFeedback (prompt or instruction, completions with ratings).";

/** The layout a record's (or a Parquet file's) top-level names say it is in; undefined when none. */
export function detectPreferenceLayout(names: readonly string[]): PreferenceLayout | undefined {
  const has = (n: string) => names.includes(n);
  if (has("completions") && (has("prompt") || has("instruction"))) return "ultrafeedback";
  if (has("responses") && has("prompt") && (has("tiers") || has("ranking"))) return "rankings";
  if (has("chosen") && has("rejected")) return has("prompt") ? "trl" : "hh-rlhf";
  return undefined;
}

/** The sentence for a file whose columns fit no layout (or not the one asked for). */
export function columnsSentence(names: readonly string[], layout?: PreferenceLayout): string {
  const list = names.length ? names.join(", ") : "none";
  return layout
    ? `the columns (${list}) are not those of ${LAYOUT_NAMES[layout]} (${REQUIRED[layout]}).`
    : `the columns (${list}) are in none of the preference layouts: TRL pairs (prompt, chosen, rejected), whole rankings (prompt, responses, tiers or ranking), Anthropic HH-RLHF (chosen, rejected) or UltraFeedback (prompt or instruction, completions).`;
}

const REQUIRED: Record<PreferenceLayout, string> = {
  trl: "prompt, chosen, rejected",
  rankings: "prompt, responses, tiers or ranking",
  "hh-rlhf": "chosen, rejected",
  ultrafeedback: "prompt or instruction, completions",
};

const fail = (line: number, detail: string): never => {
  throw new ImportError("invalid", line, detail);
};

function answerText(v: unknown, field: string, line: number): string {
  if (typeof v === "string") {
    const t = cleanText(v);
    return t || fail(line, `field "${field}" must not be empty.`);
  }
  // TRL conversational: one assistant turn.
  if (Array.isArray(v) && v.length === 1 && (v[0] as Message | undefined)?.role === "assistant" && typeof v[0].content === "string")
    return answerText(v[0].content, `${field}.1.content`, line);
  return fail(line, `field "${field}" must be a text or one assistant message.`);
}

function distinct(responses: string[], line: number) {
  const dup = responses.findIndex((r, i) => responses.indexOf(r) !== i);
  if (dup >= 0) fail(line, `answer ${dup + 1} repeats answer ${responses.indexOf(responses[dup]!) + 1} word for word.`);
}

function countCheck(n: number, line: number, what: string) {
  if (n < MIN_RESPONSES) fail(line, `the record has ${n} ${what}${n === 1 ? "" : "s"}; a ranking needs at least ${MIN_RESPONSES}.`);
  if (n > MAX_RESPONSES) fail(line, `the record has ${n} ${what}s; at most ${MAX_RESPONSES} can be ranked.`);
}

const finite = z.number().finite();

function trl(r: Record<string, unknown>, line: number): NormalizedPreference {
  const prompt = normalizePromptRecord({ prompt: r.prompt }, line);
  const responses = [answerText(r.chosen, "chosen", line), answerText(r.rejected, "rejected", line)];
  if (responses[0] === responses[1]) fail(line, "chosen and rejected are the same text.");
  let margin: number | undefined;
  if (r.margin !== undefined && r.margin !== null) {
    const m = finite.safeParse(r.margin);
    if (!m.success) fail(line, 'field "margin" must be a number.');
    margin = m.data;
  }
  // Our own rm export with ties kept marks a tied pair `tie: true`: it stays a tie.
  const tiers: Tiers = r.tie === true ? [[0, 1]] : [[0], [1]];
  return { ...prompt, responses, tiers, models: ["", ""], ...(margin !== undefined ? { margin } : {}) };
}

function rankings(r: Record<string, unknown>, line: number): NormalizedPreference {
  const prompt = normalizePromptRecord({ prompt: r.prompt }, line);
  if (!Array.isArray(r.responses)) return fail(line, 'field "responses" must be a list of answer texts.');
  countCheck(r.responses.length, line, "response");
  const responses = r.responses.map((x, i) => answerText(x, `responses.${i + 1}`, line));
  distinct(responses, line);
  const k = responses.length;
  let tiers: Tiers;
  try {
    if (r.tiers !== undefined && r.tiers !== null) {
      validateTiers(r.tiers, k);
      tiers = r.tiers as Tiers;
    } else if (typeof r.ranking === "string") tiers = parseRanking(r.ranking, k);
    else return fail(line, 'the record has neither "tiers" nor "ranking".');
  } catch (e) {
    if (e instanceof ImportError) throw e;
    return fail(line, `the ranking is not valid: ${(e as Error).message.replace(/\.$/, "")}.`);
  }
  const out: NormalizedPreference = { ...prompt, responses, tiers, models: responses.map(() => "") };
  if (Array.isArray(r.likert)) {
    if (r.likert.length !== k || r.likert.some((x) => x !== null && !(Number.isInteger(x) && x >= 1 && x <= 7)))
      fail(line, `field "likert" must hold ${k} scores from 1 to 7 (or null).`);
    out.likert = r.likert as (number | null)[];
  }
  if (Array.isArray(r.flags)) {
    if (r.flags.length !== k || r.flags.some((f) => !Array.isArray(f) || f.some((x) => typeof x !== "string")))
      fail(line, `field "flags" must hold ${k} lists of flag names.`);
    out.flags = r.flags as string[][];
  }
  return out;
}

const HUMAN = "\n\nHuman:";
const ASSISTANT = "\n\nAssistant:";

/** "\n\nHuman: a\n\nAssistant: b\n\nHuman: c" → the messages; undefined when it is not such a transcript. */
function transcriptMessages(text: string): Message[] | undefined {
  const parts = `\n\n${text.replace(/^\s+/, "")}`.split(/\n\n(Human|Assistant):/);
  if (parts[0]!.trim() !== "") return undefined;
  const out: Message[] = [];
  // A split on one capturing group has odd length: each role at i is followed by its text at i + 1.
  for (let i = 1; i < parts.length; i += 2) out.push({ role: parts[i] === "Human" ? "user" : "assistant", content: cleanText(parts[i + 1]!) });
  return out.length ? out : undefined;
}

function hh(r: Record<string, unknown>, line: number): NormalizedPreference {
  const split = (field: "chosen" | "rejected") => {
    const v = r[field];
    if (typeof v !== "string") return fail(line, `field "${field}" must be a transcript text ("\\n\\nHuman: …\\n\\nAssistant: …").`);
    const t = v.replace(/\r\n?/g, "\n");
    const at = t.lastIndexOf(ASSISTANT);
    if (at < 0 || !t.includes(HUMAN)) return fail(line, `the ${field} transcript has no "Human:" and "Assistant:" turns.`);
    return { prefix: t.slice(0, at), answer: cleanText(t.slice(at + ASSISTANT.length)) };
  };
  const chosen = split("chosen");
  const rejected = split("rejected");
  if (chosen.prefix.trim() !== rejected.prefix.trim())
    fail(line, "the chosen and rejected transcripts do not share a prompt (they differ before their last Assistant turn).");
  const messages = transcriptMessages(chosen.prefix);
  if (!messages || messages.some((m) => m.content === ""))
    return fail(line, 'the prompt before the last Assistant turn is not a transcript of "Human:" and "Assistant:" turns with text.');
  if (!chosen.answer || !rejected.answer) fail(line, `the ${chosen.answer ? "rejected" : "chosen"} transcript's last Assistant turn is empty.`);
  if (chosen.answer === rejected.answer) fail(line, "chosen and rejected end in the same answer.");
  const prompt = normalizePromptRecord({ prompt: messages }, line);
  return { ...prompt, responses: [chosen.answer, rejected.answer], tiers: [[0], [1]], models: ["", ""] };
}

const RATING_KEYS = ["rating", "overall_score", "score", "fine-grained_score"] as const;
const TEXT_KEYS = ["response", "text", "completion", "content"] as const;

function ultrafeedback(r: Record<string, unknown>, line: number): NormalizedPreference {
  const prompt = normalizePromptRecord({ prompt: r.prompt ?? r.instruction }, line);
  if (!Array.isArray(r.completions)) return fail(line, 'field "completions" must be a list of {response, rating}.');
  countCheck(r.completions.length, line, "completion");
  const items = r.completions.map((c: unknown, i: number) => {
    if (!c || typeof c !== "object") return fail(line, `completion ${i + 1} is not an object.`);
    const o = c as Record<string, unknown>;
    const textKey = TEXT_KEYS.find((k) => o[k] !== undefined);
    if (!textKey) return fail(line, `completion ${i + 1} has no text (response, text, completion or content).`);
    const ratingKey = RATING_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
    const rating = ratingKey ? Number(o[ratingKey]) : NaN;
    if (!Number.isFinite(rating)) fail(line, `completion ${i + 1} has no numeric rating (rating, overall_score or score).`);
    return { text: answerText(o[textKey], `completions.${i + 1}.${textKey}`, line), rating, model: typeof o.model === "string" ? o.model.slice(0, 200) : "" };
  });
  const responses = items.map((x) => x.text);
  distinct(responses, line);
  // Best first; equal ratings share a tier (a tie), in the order the file gives them.
  const ratings = [...new Set(items.map((x) => x.rating))].sort((a, b) => b - a);
  const tiers = ratings.map((rt) => items.flatMap((x, pos) => (x.rating === rt ? [pos] : [])));
  return { ...prompt, responses, tiers, models: items.map((x) => x.model) };
}

const NORMALIZERS: Record<PreferenceLayout, (r: Record<string, unknown>, line: number) => NormalizedPreference> = {
  trl,
  rankings,
  "hh-rlhf": hh,
  ultrafeedback,
};

/**
 * Validates one record of a preference file. `layout` is the file's (detected from its first record
 * when not given); a record in another layout is named as the bad one.
 */
export function normalizePreferenceRecord(value: unknown, line: number, layout: PreferenceLayout): NormalizedPreference {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return fail(line, "the record is not a JSON object.");
  const r = value as Record<string, unknown>;
  const seen = detectPreferenceLayout(Object.keys(r));
  if (seen === undefined) return fail(line, NONE_OF_THEM);
  if (seen !== layout) return fail(line, `the record is in the ${LAYOUT_NAMES[seen]} layout, but the file is in the ${LAYOUT_NAMES[layout]} layout.`);
  return NORMALIZERS[layout](r, line);
}
