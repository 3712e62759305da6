// Row builders for every export layout, from plain objects. Each returns exactly the keys its
// layout names (tests check the key sets), so the files load as-is in TRL / the OpenAI fine-tuning API.
import type { Message, PromptFormat } from "../imports/records";
import { formatRanking } from "../ranking/notation";
import { strengthMargin, type StrengthId } from "../ranking/strength";
import { normalizeTiers, validateTiers, type Tiers } from "../ranking/tiers";
import { ExportError } from "./errors";

export type ExportPrompt = { messages: readonly Message[]; format: PromptFormat };
type AssistantTurn = [{ role: "assistant"; content: string }];

const ROLE_NAMES: Record<Message["role"], string> = { system: "System", user: "User", assistant: "Assistant" };

function isPlainText(prompt: ExportPrompt): boolean {
  return prompt.format === "text" && prompt.messages.length === 1 && prompt.messages[0]?.role === "user";
}

/**
 * A prompt as one string, for TRL's standard (non-conversational) columns. A text prompt is its
 * text unchanged. A chat prompt becomes its turns as "System: …", "User: …", "Assistant: …"
 * separated by blank lines, ending in "\n\nAssistant:" (the Anthropic HH layout), e.g.
 * "User: Hi\n\nAssistant: Hello!\n\nUser: Tell me a joke\n\nAssistant:".
 */
export function renderPrompt(prompt: ExportPrompt): string {
  const first = prompt.messages[0];
  if (first === undefined) throw new ExportError("bad_row", "The prompt has no messages.");
  if (isPlainText(prompt)) return first.content;
  return rendered(prompt).prompt;
}

/** A completion as it follows renderPrompt's string: after a chat prompt's "Assistant:" it gets one leading space. */
function renderCompletion(prompt: ExportPrompt, completion: string): string {
  if (isPlainText(prompt)) return completion;
  const { completions } = rendered(prompt);
  let s = completions.get(completion);
  if (s === undefined) completions.set(completion, (s = ` ${completion}`));
  return s;
}

/**
 * A chat prompt's strings, made once per prompt object: an export builds a row per pair, and a new
 * string per row cost its building and then a full hash and compare in the JSON line's text cache
 * (json-line.ts), where the same string object is found at once.
 */
const renderings = new WeakMap<ExportPrompt, { prompt: string; completions: Map<string, string> }>();
function rendered(prompt: ExportPrompt) {
  let r = renderings.get(prompt);
  if (r === undefined) {
    const text = `${prompt.messages.map((m) => `${ROLE_NAMES[m.role]}: ${m.content}`).join("\n\n")}\n\nAssistant:`;
    renderings.set(prompt, (r = { prompt: text, completions: new Map() }));
  }
  return r;
}

const assistant = (content: string): AssistantTurn => [{ role: "assistant", content }];

/** SFT, prompt-completion layout: { prompt, completion } (strings). */
export function sftRow(prompt: ExportPrompt, completion: string): { prompt: string; completion: string } {
  return { prompt: renderPrompt(prompt), completion: renderCompletion(prompt, completion) };
}

/** SFT, chat layout (OpenAI fine-tuning, TRL conversational): { messages: prompt messages + the assistant's answer }. */
export function sftMessagesRow(prompt: ExportPrompt, completion: string): { messages: Message[] } {
  return { messages: [...prompt.messages.map((m) => ({ role: m.role, content: m.content })), ...assistant(completion)] };
}

/**
 * What a preference row may carry beside the pair: the tier distance (`margin`, 0 for a tie) and,
 * whenever ties are exported, `tie` on every row, so a tie is never mistaken for a preference.
 */
export type PairMarks = { margin?: number; tie?: boolean };
export type PreferenceRow = { prompt: string; chosen: string; rejected: string } & PairMarks;
export type ConversationalPreferenceRow = {
  prompt: Message[];
  chosen: AssistantTurn;
  rejected: AssistantTurn;
} & PairMarks;

function mark<T extends PairMarks>(row: T, marks: PairMarks): T {
  if (marks.margin !== undefined) row.margin = marks.margin;
  if (marks.tie !== undefined) row.tie = marks.tie;
  return row;
}

/** TRL preference, standard layout: { prompt, chosen, rejected } strings, plus margin and tie when given. */
export function preferenceRow(prompt: ExportPrompt, chosen: string, rejected: string, marks: PairMarks = {}): PreferenceRow {
  return mark<PreferenceRow>({ prompt: renderPrompt(prompt), chosen: renderCompletion(prompt, chosen), rejected: renderCompletion(prompt, rejected) }, marks);
}

/** TRL preference, conversational layout: prompt is the message list, chosen/rejected one assistant turn each. */
export function conversationalPreferenceRow(prompt: ExportPrompt, chosen: string, rejected: string, marks: PairMarks = {}): ConversationalPreferenceRow {
  const messages = prompt.messages.map((m) => ({ role: m.role, content: m.content }));
  return mark<ConversationalPreferenceRow>({ prompt: messages, chosen: assistant(chosen), rejected: assistant(rejected) }, marks);
}

export type RankingRowInput = {
  prompt: ExportPrompt;
  /** The answers in display order (index = position, "A" first). */
  responses: readonly string[];
  tiers: Tiers;
  /** likert[position], null where not given. */
  likert: readonly (number | null)[];
  /** flags[position]: flag ids. */
  flags: readonly (readonly string[])[];
  /** The labeler's pseudonym. */
  labeler: string;
  timeSpentMs: number;
  /** Pairwise projects: Llama 2's strength of the better answer; null or absent elsewhere. */
  strength?: StrengthId | null;
  /** ratings[position]: scores on the label schema's axes other than quality. */
  ratings?: readonly Readonly<Record<string, number>>[];
  rationale?: string | null;
};

export type RankingRow = {
  prompt: string | Message[];
  responses: string[];
  ranking: string;
  tiers: number[][];
  likert: (number | null)[];
  flags: string[][];
  labeler: string;
  time_spent_ms: number;
  /** Only when some answer was scored on an axis other than quality. */
  ratings?: Record<string, number>[];
  /** Only when the labeler gave one. */
  rationale?: string;
  /** Only on a pairwise ranking with a preference strength. */
  strength?: StrengthId;
  /** Llama 2's margin for that strength (3 / 2 / 1 / 0), beside it. */
  margin?: number;
};

/**
 * A whole ranking: { prompt, responses, ranking: "A > B > C = D", tiers, likert, flags, labeler,
 * time_spent_ms }. `prompt` is renderPrompt's string, or the message list with promptAs "messages".
 */
export function rankingRow(input: RankingRowInput, promptAs: "text" | "messages" = "text"): RankingRow {
  const k = input.responses.length;
  validateTiers(input.tiers, k);
  if (input.likert.length !== k || input.flags.length !== k)
    throw new ExportError("bad_row", `The ranking has ${k} answers but ${input.likert.length} Likert scores and ${input.flags.length} flag lists.`);
  return {
    prompt: promptAs === "messages" ? input.prompt.messages.map((m) => ({ role: m.role, content: m.content })) : renderPrompt(input.prompt),
    responses: [...input.responses],
    ranking: formatRanking(input.tiers),
    tiers: normalizeTiers(input.tiers),
    likert: [...input.likert],
    flags: input.flags.map((f) => [...f]),
    labeler: input.labeler,
    time_spent_ms: input.timeSpentMs,
    ...(input.ratings?.some((r) => Object.keys(r).length > 0) ? { ratings: input.ratings.map((r) => ({ ...r })) } : {}),
    ...(input.rationale ? { rationale: input.rationale } : {}),
    ...(input.strength ? { strength: input.strength, margin: strengthMargin(input.strength) } : {}),
  };
}

/** PPO / RL prompts, standard layout: { prompt } (renderPrompt's string). */
export function ppoPromptRow(prompt: ExportPrompt): { prompt: string } {
  return { prompt: renderPrompt(prompt) };
}

/** PPO / RL prompts, chat layout: { messages }. */
export function ppoMessagesRow(prompt: ExportPrompt): { messages: Message[] } {
  return { messages: prompt.messages.map((m) => ({ role: m.role, content: m.content })) };
}
