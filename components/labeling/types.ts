// The task a labeler works on, as POST /api/queue/next returns it, and what every task view receives.
import type { TaskPayload } from "@/lib/labeling/payload";

export type { TaskPayload };
export type TaskKind = TaskPayload["kind"];

/** How to take a submission back: the undo route, and the draft to restore when the task comes back. */
export type Undoable = { url: string; draftKey: string; draft: unknown };

/** Props of every view in TASK_VIEWS (task-views.ts). */
export type TaskViewProps = {
  task: TaskPayload;
  /** Idempotency key for this task's submission: one per task, reused on every retry. */
  clientId: string;
  /** False once the lease is lost: the view keeps its input but does not submit. */
  canSubmit: boolean;
  /**
   * The submission (or skip) was stored; `summary` is shown briefly before the next task. `undo`,
   * for a submission, says how to take it back within the project's undo window.
   */
  onDone: (summary: string, undo?: Undoable) => void;
  /** The server said the lease is gone (409 lease_lost). */
  onLeaseLost: (message: string) => void;
};
