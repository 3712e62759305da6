// The labeling task kinds, declared once for the server and the browser: what each is called, where
// its results are submitted, edited and taken back, its submission and edit schemas, and the export
// datasets its results feed. The server's behaviour per kind is ./task-types.ts; the browser's view
// per kind is components/labeling/task-views.ts. Adding a task kind starts with a row here.
import type { ExportKind } from "../validation/export";
import { demonstrationEdit, demonstrationSubmission, rankingEdit, rankingSubmission } from "../validation/ranking";

export const TASK_KIND_IDS = ["demonstration", "ranking"] as const;
export type TaskKind = (typeof TASK_KIND_IDS)[number];

export const TASK_KINDS = {
  demonstration: {
    /** As a heading: "Demonstration · project · date". */
    label: "Demonstration",
    /** In a sentence: "a demonstration task". */
    noun: "demonstration",
    /** The labeler home's link to this kind's queue. */
    work: "Write demonstrations",
    submission: demonstrationSubmission,
    edit: demonstrationEdit,
    /** Whether a reviewer may override the task's labels with a ranking of their own. */
    overridable: false,
    /** The largest submission or edit request body, in bytes. */
    maxBytes: 1_000_000,
    /** POST a submission here; the reply holds the stored result under the kind's name. */
    submitUrl: "/api/tasks/demonstration",
    /** A stored result: PUT edits it, POST …/undo takes it back. */
    resultsUrl: "/api/demonstrations",
    /** The export datasets built from this kind's results. */
    exports: ["sft"],
  },
  ranking: {
    label: "Ranking",
    noun: "ranking",
    work: "Rank answers",
    submission: rankingSubmission,
    edit: rankingEdit,
    overridable: true,
    maxBytes: 64_000,
    submitUrl: "/api/tasks/ranking",
    resultsUrl: "/api/rankings",
    exports: ["rm", "rankings"],
  },
} as const satisfies Record<TaskKind, TaskKindInfo>;

type TaskKindInfo = {
  label: string;
  noun: string;
  work: string;
  submission: unknown;
  edit: unknown;
  overridable: boolean;
  maxBytes: number;
  submitUrl: string;
  resultsUrl: string;
  exports: readonly ExportKind[];
};

/** Where a stored result is edited (PUT) and, with "/undo", taken back (POST). */
export const resultUrl = (kind: TaskKind, id: string) => `${TASK_KINDS[kind].resultsUrl}/${encodeURIComponent(id)}`;

/** Whether an export dataset is built from rankings (it then has agreement, label choice and imported preference data). */
export const rankedExport = (e: ExportKind): boolean => (TASK_KINDS.ranking.exports as readonly ExportKind[]).includes(e);
