// What an export request may hold: one schema for the API (POST /api/exports) and the admin form.
import { z } from "zod";

export const EXPORT_KINDS = ["sft", "rm", "rankings", "ppo"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
/** "standard": strings (TRL standard / prompt-completion); "conversational": message lists (OpenAI chat, TRL conversational). */
export const EXPORT_LAYOUTS = ["standard", "conversational"] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/**
 * Which labels of a ranking task an export carries (lib/exports/label-choice.ts):
 *   all        every labeler's ranking (the default);
 *   consensus  one ranking per task: the reviewer's override where there is one, else the Borda
 *              consensus of the task's labels that pass the filters;
 *   reviewed   the reviewer's override alone for tasks a reviewer overrode, every label elsewhere.
 * Discarded labels are never exported, whatever the choice.
 */
const EXPORT_LABEL_CHOICES = ["all", "consensus", "reviewed"] as const;
export type ExportLabelChoice = (typeof EXPORT_LABEL_CHOICES)[number];

/** Rankings and pairs imported from existing preference datasets: kept beside the labelers' ("include"), left out, or alone ("only"). */
export const IMPORTED_LABEL_CHOICES = ["include", "exclude", "only"] as const;

const ids = z.array(z.guid()).max(1000).default([]);
const when = z.coerce.date({ error: "must be a date" });

export const createExportInput = z
  .object({
    kind: z.enum(EXPORT_KINDS),
    layout: z.enum(EXPORT_LAYOUTS).default("standard"),
    /** Leave out to export every project. */
    projectId: z.guid().optional(),
    /** Labels made at or after `from` and before `to` (prompts' creation time for PPO prompts). */
    from: when.optional(),
    to: when.optional(),
    labelers: z.object({ include: ids, exclude: ids }).default({ include: [], exclude: [] }),
    /** Rankings: leave out tasks whose labelers agree on fewer than this share of pairs (and tasks ranked once). */
    minAgreement: z.number().min(0).max(1).optional(),
    /** Rankings: leave out answers the ranking's labeler flagged with any of these. */
    excludeFlags: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
    /** Rankings: keep only answers whose Completion.sourceName or source is one of these. */
    sourceModels: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    /** Rankings and reward-model pairs: all labels, one consensus ranking per task, or reviewed where available. */
    labels: z.enum(EXPORT_LABEL_CHOICES).default("all"),
    /** Reward-model pairs: keep tied pairs (margin 0). */
    includeTies: z.boolean().default(false),
    /** Reward-model pairs: add `margin`, the tier distance. */
    margin: z.boolean().default(false),
    /** Rankings and pairs imported from existing preference datasets (IMPORTED_LABEL_CHOICES). */
    importedLabels: z.enum(IMPORTED_LABEL_CHOICES).default("include"),
    validation: z.number().min(0).max(1).default(0.1),
    test: z.number().min(0).max(1).default(0),
    seed: z.string().max(100).default(""),
    license: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.+-]*$/, 'must be a licence id such as "cc-by-4.0" or "other"')
      .default("other"),
    name: z.string().trim().max(200).optional(),
    note: z.string().trim().max(2000).default(""),
  })
  .refine((v) => v.validation + v.test <= 1, { path: ["test"], message: "validation + test must be at most 1" })
  .refine((v) => !v.from || !v.to || v.from < v.to, { path: ["to"], message: "must be after from" });

export type CreateExportInput = z.infer<typeof createExportInput>;
/** What the form and API send (defaults not yet applied). */
export type CreateExportRequest = z.input<typeof createExportInput>;
