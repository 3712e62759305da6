// What one line of an import file may hold, and its normalized form (what the database stores).
//   prompt record:     { prompt: "text" | [messages] } or { messages: [...] }, id?, split?, metadata?
//   answer-set record: the same prompt fields plus responses: string[] (2..9), source? / model?
// In CSV the same fields are columns; `messages` and `metadata` cells hold JSON and the answers
// are response_1..response_9. Unknown fields and columns are ignored. An answer set may carry
// `gold_tiers`, its known ranking, which makes it a gold task.
import { createHash } from "node:crypto";
import { z } from "zod";
import { RankingError } from "../ranking/errors";
import { resolveTiers } from "../ranking/submission";
import type { Tiers } from "../ranking/tiers";
import { ImportError } from "./errors";

const ROLES = ["system", "user", "assistant"] as const;
const SPLITS = ["train", "validation", "test"] as const;
type Split = (typeof SPLITS)[number];
export type Message = { role: (typeof ROLES)[number]; content: string };
export type PromptFormat = "text" | "chat";

export const MIN_RESPONSES = 2;
export const MAX_RESPONSES = 9;

/** Trims and turns "\r\n" into "\n": two copies of a text that differ only so are one prompt. */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, "\n").trim();
}

const text = z.string().transform(cleanText).pipe(z.string().min(1, "must not be empty"));

const message = z.object({
  role: z.enum(ROLES, { error: 'must be "system", "user" or "assistant"' }),
  content: text,
});

const messages = z
  .array(message, { error: "must be a list of messages" })
  .min(1, "must hold at least one message")
  .max(500, "must hold at most 500 messages")
  .superRefine((list, ctx) => {
    list.forEach((m, i) => {
      if (m.role === "system" && i > 0) ctx.addIssue({ code: "custom", path: [i, "role"], message: "may be system only for the first message" });
    });
    if (list[list.length - 1]?.role !== "user")
      ctx.addIssue({ code: "custom", path: [list.length - 1, "role"], message: "must be user for the last message, which the model answers" });
  });

const promptFields = {
  prompt: z.union([text, messages], { error: "must be a text or a list of messages" }).optional(),
  messages: messages.optional(),
  id: z
    .union([z.string().trim().min(1).max(200), z.number().int()], { error: "must be a string or an integer" })
    .transform(String)
    .optional(),
  split: z.enum(SPLITS, { error: 'must be "train", "validation" or "test"' }).optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).nullable().optional(),
};

function onePrompt(r: { prompt?: unknown; messages?: unknown }, ctx: z.RefinementCtx) {
  if (r.prompt === undefined && r.messages === undefined) ctx.addIssue({ code: "custom", path: ["prompt"], message: "is missing (give prompt or messages)" });
  if (r.prompt !== undefined && r.messages !== undefined) ctx.addIssue({ code: "custom", path: ["messages"], message: "cannot be given together with prompt" });
}

const promptRecord = z.object(promptFields).superRefine(onePrompt);
type PromptRecord = z.infer<typeof promptRecord>;

const answerSetRecord = z
  .object({
    ...promptFields,
    responses: z
      .array(text, { error: "must be a list of answer texts" })
      .min(MIN_RESPONSES, `must hold ${MIN_RESPONSES} to ${MAX_RESPONSES} answers`)
      .max(MAX_RESPONSES, `must hold ${MIN_RESPONSES} to ${MAX_RESPONSES} answers`)
      .superRefine((list, ctx) => {
        const first = list.findIndex((r, i) => list.indexOf(r) !== i);
        if (first >= 0) ctx.addIssue({ code: "custom", path: [first], message: `repeats answer ${list.indexOf(list[first]!) + 1} word for word` });
      }),
    source: z.string().trim().max(200).optional(),
    model: z.string().trim().max(200).optional(),
    /**
     * A gold task's known ranking: notation ("A > B = C") or tiers of 0-based response indices
     * ([[0], [1, 2]]). Gold tasks are mixed into labelers' queues to measure their accuracy and are
     * never training data.
     */
    gold_tiers: z
      .union([z.string().trim().min(1, "is empty").max(200), z.array(z.array(z.number().int()).max(MAX_RESPONSES)).max(MAX_RESPONSES)], {
        error: 'must be a ranking like "A > B = C" or tiers like [[0], [1, 2]]',
      })
      .optional(),
  })
  .superRefine(onePrompt);

export type NormalizedPrompt = {
  /** Always the chat so far: a text prompt is one user message. */
  messages: Message[];
  format: PromptFormat;
  externalId?: string;
  /** The split the file gave, else "train" (the database default). */
  split: Split;
  metadata: Record<string, unknown>;
  /** sha256 (hex) of canonicalJson(messages). */
  contentHash: string;
};

export type NormalizedAnswerSet = NormalizedPrompt & {
  responses: string[];
  /** A gold task's known ranking, checked against the responses. */
  goldTiers?: Tiers;
  /** `source`, else `model`, else "". */
  sourceName: string;
};

/** JSON with object keys sorted at every depth and no whitespace: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The prompt identity used for de-duplication: sha256 hex of the canonical messages. */
export function contentHashOf(messages: readonly Message[]): string {
  const canonical = canonicalJson(messages.map((m) => ({ role: m.role, content: m.content })));
  return createHash("sha256").update(canonical).digest("hex");
}

/** One sentence from zod's first issue: `field "responses.2" must not be empty.` */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "the record is invalid.";
  let message = issue.message.replace(/\.$/, "");
  // A union reports its own message; prefer a nested issue when the union's is generic.
  if (issue.code === "invalid_union" && issue.errors.length > 0 && message.startsWith("Invalid input")) {
    const nested = issue.errors.flat()[0];
    if (nested) message = nested.message.replace(/\.$/, "");
  }
  if (issue.path.length === 0) return `the record ${message.charAt(0).toLowerCase()}${message.slice(1)}.`;
  const path = issue.path.map((p) => (typeof p === "number" ? p + 1 : String(p))).join(".");
  return `field "${path}" ${message.charAt(0).toLowerCase()}${message.slice(1)}.`;
}

function normalizePrompt(r: PromptRecord): NormalizedPrompt {
  const chat = r.messages ?? (Array.isArray(r.prompt) ? r.prompt : undefined);
  const msgs: Message[] = chat ?? [{ role: "user", content: r.prompt as string }];
  const out: NormalizedPrompt = {
    messages: msgs,
    format: chat ? "chat" : "text",
    split: r.split ?? "train",
    metadata: r.metadata ?? {},
    contentHash: contentHashOf(msgs),
  };
  if (r.id !== undefined) out.externalId = r.id;
  return out;
}

function check<T>(schema: z.ZodType<T>, value: unknown, line: number): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ImportError("invalid", line, "the record is not a JSON object.");
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ImportError("invalid", line, describe(parsed.error));
  return parsed.data;
}

/** Validates and normalizes one prompt record; throws an ImportError for `line`. */
export function normalizePromptRecord(value: unknown, line: number): NormalizedPrompt {
  return normalizePrompt(check(promptRecord, value, line));
}

/** Validates and normalizes one answer-set record; `k`, when given, is the exact number of answers wanted. */
export function normalizeAnswerSetRecord(value: unknown, line: number, k?: number): NormalizedAnswerSet {
  const r = check(answerSetRecord, value, line);
  if (k !== undefined && r.responses.length !== k)
    throw new ImportError("invalid", line, `the record has ${r.responses.length} answers but this project ranks ${k} per task.`);
  const out: NormalizedAnswerSet = { ...normalizePrompt(r), responses: r.responses, sourceName: r.source || r.model || "" };
  if (r.gold_tiers !== undefined) out.goldTiers = goldTiersOf(r.gold_tiers, r.responses.length, line);
  return out;
}

/** The gold ranking, valid for k answers; else one sentence naming the line and what is wrong. */
function goldTiersOf(gold: string | number[][], k: number, line: number): Tiers {
  try {
    return resolveTiers(gold, k);
  } catch (e) {
    if (!(e instanceof RankingError)) throw e;
    throw new ImportError("invalid", line, `the gold ranking does not fit the record's ${k} answers (${e.message.replace(/\.$/, "")}).`);
  }
}

const RESPONSE_COLUMN = /^response_(\d+)$/;

/** True when a header has the columns a kind of import needs (else a sentence saying what is missing). */
export function missingCsvColumns(names: readonly string[], kind: "prompts" | "answers"): string | undefined {
  if (!names.includes("prompt") && !names.includes("messages")) return "the header has neither a prompt nor a messages column.";
  if (kind === "answers" && !names.some((n) => n === "response_1")) return "the header has no response_1 column (answers go in response_1 to response_9).";
  return undefined;
}

/**
 * Turns a CSV record (column → cell) into the JSON shape the schemas read: empty cells are absent,
 * `messages` and `metadata` cells are parsed as JSON, response_1..response_N become `responses`.
 */
export function csvToRecord(cells: Record<string, string>, line: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const responses: [number, string][] = [];
  for (const [name, cell] of Object.entries(cells)) {
    if (cell.trim() === "") continue;
    const m = RESPONSE_COLUMN.exec(name);
    if (m) responses.push([Number(m[1]), cell]);
    else if (name === "messages" || name === "metadata") {
      try {
        out[name] = JSON.parse(cell);
      } catch {
        throw new ImportError("invalid", line, `the ${name} cell is not valid JSON.`);
      }
    } else out[name] = cell;
  }
  if (responses.length > 0) {
    responses.sort((a, b) => a[0] - b[0]);
    responses.forEach(([n], i) => {
      if (n !== i + 1) throw new ImportError("invalid", line, `column response_${n} is filled but response_${i + 1} is empty.`);
    });
    out.responses = responses.map(([, cell]) => cell);
  }
  return out;
}
