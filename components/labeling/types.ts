// The task a labeler works on, as POST /api/queue/next returns it, and what every task view receives.
import type { TaskPayload } from "@/lib/labeling/payload";
import type { Submission } from "./outbox";

export type { TaskPayload };
export type TaskKind = TaskPayload["kind"];

/** Props of every view in TASK_VIEWS (task-views.ts). */
export type TaskViewProps = {
  task: TaskPayload;
  /** Idempotency key for this task's submission: one per task, reused on every retry. */
  clientId: string;
  /** False once the lease is lost: the view keeps its input but does not submit. */
  canSubmit: boolean;
  /**
   * The labeler submitted: the runner keeps it (outbox.ts), shows the next task at once and saves
   * in the background. Call it only with a submission the view has checked.
   */
  onSubmit: (submission: Submission) => void;
  /** A skip or report was stored; `summary` is shown briefly before the next task. */
  onDone: (summary: string) => void;
  /** The server said the lease is gone (409 lease_lost). */
  onLeaseLost: (message: string) => void;
};
