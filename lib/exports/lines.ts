// Turns one streamed database row into its export row(s) (or none) with the pure row builders
// (rows.ts); the stream writes each as a JSONL line and as a Parquet row. One builder per export kind, chosen from a table.
import type { Message, PromptFormat } from "../imports/records";
import { expandPairs } from "../ranking/pairs";
import type { StrengthId } from "../ranking/strength";
import type { Tiers } from "../ranking/tiers";
import type { CreateExportInput, ExportKind } from "../validation/export";
import { parsePairs } from "./queries";
import { conversationalPreferenceRow, ppoMessagesRow, ppoPromptRow, preferenceRow, rankingRow, sftMessagesRow, sftRow, type ExportPrompt } from "./rows";

/** Columns every export query returns (queries.ts PROMPT_COLS). */
export type PromptColumns = { promptId: string; messages: string; format: string; contentHash: string };
/** `labelSource` set ("consensus" | "reviewed"): a chosen ranking of a task (label-choice.ts), with tiers and answers instead of pairs. */
type Chosen = { labelSource?: string | null; tiers?: string | null; answers?: string | null };
/** queries.ts comparisonsQuery: `texts` on the prompt's first row only, `pairs` as parsePairs reads them. */
type RankingPairsRow = PromptColumns & { rankingId: string; labelerId: string; taskId: string; texts: string | null; pairs: string | null } & Chosen;
type RankingDbRow = PromptColumns & {
  rankingId: string;
  labelerId: string;
  tiers: string;
  timeSpentMs: number;
  answers: string;
  labelSource?: string | null;
  strength: StrengthId | null;
  rationale: string | null;
};
type DemonstrationRow = PromptColumns & { labelerId: string; text: string };

type AnswerJson = {
  text: string;
  likert: number | null;
  flags: string[] | null;
  ratings: Record<string, number> | null;
  source: string;
  sourceName: string;
};

/** `texts`: the current prompt's answers' texts by completion id (null until its row with them; the stream empties it at each prompt). */
export type LineContext = { prompt: ExportPrompt; labeler: (userId: string) => string; f: CreateExportInput; texts: Record<string, string> | null };
/** One exported row: the keys its layout names (layouts.ts). */
export type ExportRow = object;
/** One database row → its export row(s); null or [] when the row yields none. */
export type LineBuilder = (row: never, ctx: LineContext) => ExportRow | ExportRow[] | null;

export function parsePrompt(row: PromptColumns): ExportPrompt {
  return { messages: JSON.parse(row.messages) as Message[], format: row.format as PromptFormat };
}

/** xs[i] from a stored label, or a clear error when the stored JSON does not match itself. */
function storedAt<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`A stored label refers to entry ${i} of its ${what}, which does not exist.`);
  return x;
}

/** Positions of a ranking to keep after the flag and source filters. */
function keptPositions(answers: AnswerJson[], f: CreateExportInput): number[] {
  const flags = new Set(f.excludeFlags);
  const sources = new Set(f.sourceModels);
  return answers.flatMap((a, pos) => {
    if (a.flags?.some((x) => flags.has(x))) return [];
    if (sources.size && !sources.has(a.sourceName) && !sources.has(a.source)) return [];
    return [pos];
  });
}

/** Tiers over the kept positions only, renumbered in display order; empty tiers dropped. */
function restrictTiers(tiers: Tiers, kept: number[]): Tiers {
  const index = new Map(kept.map((pos, i) => [pos, i]));
  return tiers.map((tier) => tier.filter((p) => index.has(p)).map((p) => index.get(p)!)).filter((tier) => tier.length > 0);
}

const rm = (row: RankingPairsRow, ctx: LineContext) => {
  const { prompt, f } = ctx;
  const build = f.layout === "conversational" ? conversationalPreferenceRow : preferenceRow;
  // margin and tie travel together: with ties kept or margin asked for, every row says whether it is a
  // tie, so neither a tie nor a "negligibly better" pair (Llama 2 margin 0) is mistaken for the other.
  const marks = (margin: number, tie: boolean) => (f.includeTies || f.margin ? { margin, tie } : {});
  if (row.labelSource) {
    // A chosen ranking: its pairs over the answers the flag and source filters keep, in expandPairs order.
    const answers = JSON.parse(row.answers!) as AnswerJson[];
    const kept = keptPositions(answers, f);
    if (kept.length < 2) return null;
    const pairs = expandPairs(restrictTiers(JSON.parse(row.tiers!) as Tiers, kept)).filter((p) => f.includeTies || !p.tie);
    const text = (i: number) => storedAt(answers, storedAt(kept, i, "kept answers"), "answers").text;
    return pairs.map((p) => build(prompt, text(p.chosen), text(p.rejected), marks(p.margin, p.tie)));
  }
  if (row.texts !== null) ctx.texts = JSON.parse(row.texts) as Record<string, string>;
  if (row.pairs === null) return null;
  const texts = ctx.texts;
  if (texts === null) throw new Error(`A ranking of task ${row.taskId} came before the texts of its prompt's answers.`);
  // parsePairs names each answer by one of these keys: the lookups below find them
  const pairs = parsePairs(row.pairs, Object.keys(texts));
  return pairs.map(([chosen, rejected, margin, tie]) => build(prompt, texts[chosen]!, texts[rejected]!, marks(margin, tie)));
};

const rankings = (row: RankingDbRow, { prompt, f, labeler }: LineContext) => {
  const answers = JSON.parse(row.answers) as AnswerJson[];
  const kept = keptPositions(answers, f);
  if (kept.length < 2) return null; // fewer than two answers left: nothing is ranked
  const pick = <T>(xs: T[]) => kept.map((pos) => storedAt(xs, pos, "answers"));
  return rankingRow(
    {
      prompt,
      responses: pick(answers.map((a) => a.text)),
      tiers: restrictTiers(JSON.parse(row.tiers) as Tiers, kept),
      likert: pick(answers.map((a) => a.likert ?? null)),
      flags: pick(answers.map((a) => a.flags ?? [])),
      // A chosen ranking is nobody's: "consensus" or "reviewed".
      labeler: row.labelSource ?? labeler(row.labelerId),
      timeSpentMs: row.timeSpentMs,
      // a pairwise strength describes both answers: it is kept only while both are
      strength: kept.length === answers.length ? row.strength : null,
      ratings: pick(answers.map((a) => a.ratings ?? {})),
      rationale: row.rationale,
    },
    f.layout === "conversational" ? "messages" : "text",
  );
};

const sft = (row: DemonstrationRow, { prompt, f }: LineContext) =>
  f.layout === "conversational" ? sftMessagesRow(prompt, row.text) : sftRow(prompt, row.text);

const ppo = (_row: PromptColumns, { prompt, f }: LineContext) => (f.layout === "conversational" ? ppoMessagesRow(prompt) : ppoPromptRow(prompt));

export const LINE_BUILDERS: Record<ExportKind, LineBuilder> = { rm, rankings, sft, ppo } as Record<ExportKind, LineBuilder>;
