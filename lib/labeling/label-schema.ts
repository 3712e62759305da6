// A project's label schema: the flags labelers may set on an answer, the rating axes they score each
// answer on, and whether a free-text rationale goes with each ranking. Pure and shared by the server
// (validation on submit, the schema-change guard, exports) and the task UI. The axis "quality" is
// stored in RankingAnswer.likert (exports' `likert`); other axes in RankingAnswer.ratings.
import { z } from "zod";
import { FLAGS, LIKERT_MAX, LIKERT_MIN } from "../ranking/flags";

const ident = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be lowercase letters, digits and _, starting with a letter (at most 40)");
const label = z.string().trim().min(1, "needs a label").max(200);

export const QUALITY_AXIS = "quality";

export const labelSchemaInput = z
  .object({
    flags: z.array(z.object({ id: ident, label })).max(30, "at most 30 flags"),
    ratings: z
      .array(
        z
          .object({ id: ident, label, min: z.number().int().min(0).max(100), max: z.number().int().min(1).max(100) })
          .refine((a) => a.min < a.max, "the lowest score must be below the highest"),
      )
      .max(8, "at most 8 rating axes"),
    rationale: z.enum(["off", "optional", "required"]),
  })
  .superRefine((s, ctx) => {
    for (const key of ["flags", "ratings"] as const) {
      const ids = s[key].map((x) => x.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) ctx.addIssue({ code: "custom", path: [key], message: `names "${dup}" twice` });
    }
  });
export type LabelSchema = z.infer<typeof labelSchemaInput>;

export const DEFAULT_LABEL_SCHEMA: LabelSchema = {
  flags: FLAGS.map((f) => ({ id: f.id, label: f.label })),
  ratings: [{ id: QUALITY_AXIS, label: "Overall quality", min: LIKERT_MIN, max: LIKERT_MAX }],
  rationale: "off",
};

/** The schema a project's stored value stands for (null or unreadable: the defaults). */
export function schemaOf(stored: unknown): LabelSchema {
  if (stored === null || stored === undefined) return DEFAULT_LABEL_SCHEMA;
  const parsed = labelSchemaInput.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_LABEL_SCHEMA;
}

export const RATIONALE_MAX = 5000;

const LETTERS = "ABCDEFGHI";

/** What one answer carries: flags, the quality score (likert) and other axes' scores. */
export type AnswerLabels = { position: number; likert?: number; flags?: string[]; ratings?: Record<string, number> };

/**
 * The first way these labels break the schema, as one sentence; null when they fit.
 * `rationale` is the ranking's (trimmed; empty = none).
 */
export function labelProblem(schema: LabelSchema, answers: readonly AnswerLabels[], rationale: string | undefined): string | null {
  const flags = new Set(schema.flags.map((f) => f.id));
  const axes = new Map(schema.ratings.map((a) => [a.id, a]));
  for (const a of answers) {
    const letter = LETTERS[a.position] ?? String(a.position);
    for (const f of a.flags ?? []) if (!flags.has(f)) return `Answer ${letter} has the flag "${f}", which is not one of this project's flags.`;
    const scores: [string, number][] = [...Object.entries(a.ratings ?? {}), ...(a.likert !== undefined ? [[QUALITY_AXIS, a.likert] as [string, number]] : [])];
    for (const [id, v] of scores) {
      const axis = axes.get(id);
      if (!axis) return `Answer ${letter} is scored on "${id}", which is not one of this project's rating axes.`;
      if (!Number.isInteger(v) || v < axis.min || v > axis.max)
        return `Answer ${letter}'s ${axis.label} is ${v}; this project scores it from ${axis.min} to ${axis.max}.`;
    }
  }
  const r = rationale?.trim() ?? "";
  if (schema.rationale === "required" && !r) return "This project asks for a rationale with each ranking: say briefly why you ranked them so.";
  if (schema.rationale === "off" && r) return "This project does not take a rationale with rankings; leave it out.";
  return null;
}
