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

export const exportFile = z.looseObject({ name: z.string(), bytes: z.int(), sha256: z.string(), rows: z.int().optional() });

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
