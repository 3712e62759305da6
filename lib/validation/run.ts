// What a new-run request may hold: one schema for POST /api/runs and the new-run form. The
// hyperparameters are checked against the kind's own schema (RUN_KINDS[kind].config) by createRun,
// after the kind's defaults are filled in, so the form may send only what it changed.
import { z } from "zod";
import { RUN_KIND_NAMES, MODEL_SIZES } from "../runs/kinds";
import { IMPORTED_LABEL_CHOICES } from "./export";

const runDatasetSchema = z.union([
  z.strictObject({ exportId: z.guid({ error: "must be an export id" }) }),
  // the snapshot keeps imported preference data beside the labelers' (default), leaves it out, or trains on it alone
  z.strictObject({ projectLabelsNow: z.literal(true), importedLabels: z.enum(IMPORTED_LABEL_CHOICES).optional() }),
]);

export const newRunSchema = z.object({
  kind: z.enum(RUN_KIND_NAMES),
  name: z.string().trim().max(200).default(""),
  projectId: z.guid({ error: "must be a project id" }),
  /** The checkpoint to start from (policy for PPO); none for pretraining from scratch. */
  baseId: z.guid({ error: "must be a model id" }).optional(),
  /** PPO: the reward model that scores the rollouts. */
  rewardId: z.guid({ error: "must be a model id" }).optional(),
  /** DPO: a separate frozen reference (same architecture and tokenizer); none: the starting checkpoint. */
  refId: z.guid({ error: "must be a model id" }).optional(),
  /** An export snapshot, or "the project's labels now" (a snapshot made at creation); none for generate. */
  dataset: runDatasetSchema.optional(),
  /** Scales the defaults filled in for fields the request leaves out. */
  modelSize: z.enum(MODEL_SIZES).default("small"),
  /** Hyperparameters; checked against RUN_KINDS[kind].config. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Generate: the source of answers and other kind-specific options, as that kind defines them. */
  request: z.record(z.string(), z.unknown()).optional(),
  /** If a worker dies mid-run, continue from the last checkpoint instead of failing the run. */
  resume: z.boolean().default(false),
});

export type NewRunInput = z.infer<typeof newRunSchema>;
/** What the form and API send (defaults not yet applied). */
export type NewRunRequest = z.input<typeof newRunSchema>;

/** GET /api/runs/[id]/metrics?after=<metricId>: metric ids are bigints, sent as decimal strings. */
export const metricsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,19}$/, "must be a metric id")
    .optional(),
});

export const samplesQuerySchema = z.object({
  step: z.coerce.number().int().min(0).max(100_000_000).optional(),
});

export const listRunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  projectId: z.guid().optional(),
});
