// Review decisions and the records page's filters and bulk actions: one schema each, for the API and the forms.
import { z } from "zod";

const reason = z.string().trim().min(1, "Give a reason").max(2000);
const tiers = z.union([z.string().trim().min(1).max(200), z.array(z.array(z.number().int().min(0).max(8))).max(9)]);

/** POST /api/review/tasks/{id}: accept the labels, override them with the reviewer's ranking, or discard one label. */
export const reviewDecisionInput = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("accept"), reason }),
  z.object({ decision: z.literal("override"), tiers, reason }),
  z.object({ decision: z.literal("discard"), rankingId: z.guid(), reason }),
]);
export type ReviewDecisionInput = z.infer<typeof reviewDecisionInput>;

export const RECORD_STATUSES = ["open", "done", "reported", "reviewed", "discarded", "gold"] as const;

const opt = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === "" ? undefined : v), s.optional());

/** The records page's filters (its query string). */
export const recordsQuery = z.object({
  q: opt(z.string().trim().max(200)),
  project: opt(z.guid()),
  labeler: opt(z.guid()),
  status: opt(z.enum(RECORD_STATUSES)),
  source: opt(z.string().trim().max(200)),
  from: opt(z.coerce.date({ error: "must be a date" })),
  to: opt(z.coerce.date({ error: "must be a date" })),
  /** Tasks whose pairwise agreement is at most this (tasks ranked twice or more). */
  maxAgreement: opt(z.coerce.number().min(0).max(1)),
  page: opt(z.coerce.number().int().min(1).max(10_000)),
});
export type RecordsQuery = z.infer<typeof recordsQuery>;

/** POST /api/records/bulk: re-queue (one more label wanted) or discard every label of the chosen tasks. */
export const recordsBulkInput = z.object({
  action: z.enum(["requeue", "discard"]),
  taskIds: z.array(z.guid()).min(1, "Choose at least one task").max(500),
  reason,
});
export type RecordsBulkInput = z.infer<typeof recordsBulkInput>;
