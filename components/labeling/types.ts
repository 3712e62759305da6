// The task a labeler works on, as POST /api/queue/next returns it, and what every task view receives.
import type { TaskPayload } from "@/lib/labeling/payload";

export type { TaskPayload };
export type TaskKind = TaskPayload["kind"];

/** Props of every view in TASK_VIEWS (task-views.tsx). */
export type TaskViewProps = {
  task: TaskPayload;
  /** Idempotency key for this task's submission: one per task, reused on every retry. */
  clientId: string;
  /** False once the lease is lost: the view keeps its input but does not submit. */
  canSubmit: boolean;
  /** The submission (or skip) was stored; `summary` is shown briefly before the next task. */
  onDone: (summary: string) => void;
  /** The server said the lease is gone (409 lease_lost). */
  onLeaseLost: (message: string) => void;
};
