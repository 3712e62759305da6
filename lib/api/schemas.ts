// The shapes the API answers with, as zod schemas: the OpenAPI document's response bodies are
// generated from them (lib/api/openapi.ts). Requests are described by the routes' own input schemas.
import { z } from "zod";
import { EXPORT_KINDS } from "../validation/export";
import { id } from "../validation/id";

const dateTime = z.iso.datetime();
const rate = z.number().min(0).max(1).nullable();

export const projectRef = z.object({ id, slug: z.string(), name: z.string(), createdAt: dateTime }).meta({ description: "A project to import into" });

export const importResult = z
  .object({
    kind: z.enum(["prompts", "answers"]),
    records: z.int(),
    created: z.int(),
    duplicates: z.int(),
    tasks: z.int(),
    gold: z.int().meta({ description: "Of the tasks made, the gold ones (answer sets with gold_tiers)" }),
  })
  .meta({ description: "Counts of what the import read and made" });

export const agreement = z.object({
  projectId: id,
  rankings: z.int(),
  tasks: z.int(),
  rate,
  agreements: z.int(),
  sharedPairs: z.int(),
  labelerPairs: z.int(),
  perLabeler: z.array(z.object({ labelerId: id, rate, agreements: z.int(), sharedPairs: z.int(), overlappingTasks: z.int() })),
});

const exportFile = z.looseObject({ name: z.string(), bytes: z.int(), sha256: z.string(), rows: z.int().optional() });

export const exportView = z.object({
  id,
  kind: z.enum(EXPORT_KINDS),
  projectId: id.nullable(),
  projectName: z.string().nullable(),
  filters: z.record(z.string(), z.unknown()),
  rowCount: z.int(),
  splitCounts: z.record(z.string(), z.object({ rows: z.int(), prompts: z.int() })),
  files: z.array(exportFile),
  note: z.string(),
  createdById: id,
  createdByEmail: z.string(),
  createdAt: dateTime,
});

/** The body of every error answer: a code and one sentence (zod failures add the field paths). */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const artifactRef = z.object({ id, kind: z.string(), name: z.string(), createdAt: dateTime });

/** A training run as the list shows it (GET /api/v1/runs/{id} adds config, logTail and export). */
export const runSummary = z.looseObject({
  id,
  kind: z.string().meta({ description: "pretrain, sft, reward_model, ppo, dpo, generate, …" }),
  status: z.string().meta({ description: "queued, running, succeeded, failed, cancelled" }),
  name: z.string(),
  projectId: id.nullable(),
  projectName: z.string().nullable(),
  exportId: id.nullable(),
  baseId: id.nullable(),
  base: artifactRef.nullable(),
  artifacts: z.array(artifactRef).meta({ description: "The checkpoints the run has produced, oldest first" }),
  progress: z.number().meta({ description: "0 to 1" }),
  etaSec: z.number().nullable(),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  resume: z.boolean(),
  attempt: z.int(),
  createdAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
});

export const runDetail = runSummary.extend({ config: z.record(z.string(), z.unknown()), logTail: z.string().nullable() });

export const metricPoint = z.object({
  id: z.string().meta({ description: "Increasing; poll with ?after=<the last id>" }),
  step: z.int(),
  name: z.string(),
  value: z.number(),
});

export const runSamples = z.object({
  steps: z.array(z.int()).meta({ description: "Every step with samples, ascending" }),
  step: z.int().nullable().meta({ description: "The step of `samples` (the latest unless ?step= chose one); null when there are none yet" }),
  samples: z.array(
    z.object({
      index: z.int().meta({ description: "The prompt's place in the run's fixed set of held-out prompts" }),
      prompt: z.string(),
      output: z.string(),
      tokens: z.int(),
      finished: z.boolean().meta({ description: "Whether the answer ended with eos (else it ran out of tokens)" }),
    }),
  ),
});

export const runStatus = z.object({ status: z.string() });

/** A checkpoint in the registry. */
export const modelView = z.looseObject({
  id,
  kind: z.enum(["base", "sft", "reward_model", "ppo"]),
  source: z.enum(["trained", "imported"]),
  name: z.string(),
  params: z.int().nullable(),
  parentId: id.nullable(),
  runId: id.nullable(),
  runName: z.string().nullable(),
  createdAt: dateTime,
  config: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  generatorOf: z.array(z.object({ id, name: z.string() })),
});

export const modelFile = z.object({ name: z.string(), bytes: z.int().nullable(), onDemand: z.boolean().optional() });

export const modelDetail = z.object({ model: modelView, lineage: z.array(modelView), files: z.array(modelFile) });

export const importedModel = z.object({ model: z.object({ id, name: z.string(), params: z.int().nullable(), bytes: z.int() }) });

const nullableRate = z.number().nullable();
export const qualityReport = z.object({
  agreement: z.object({ rate: nullableRate, tauB: nullableRate, alpha: nullableRate, overlappingTasks: z.int(), labelerPairs: z.int() }),
  perLabeler: z.array(z.looseObject({ labelerId: id, email: z.string(), rankings: z.int(), demonstrations: z.int(), agreementWithOthers: nullableRate })),
  tasks: z.array(z.looseObject({ taskId: id, rate: nullableRate })),
});
