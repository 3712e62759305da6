// What a labeler's browser receives for a task: the prompt, the answers in display order and the
// project settings the task view needs. Nothing about other labelers.
import type { Message } from "../imports/records";
import { schemaOf, type LabelSchema } from "./label-schema";
import type { TaskKind } from "./task-kinds";

export type TaskPayload = {
  assignmentId: string;
  taskId: string;
  kind: TaskKind;
  leaseExpiresAt: string;
  project: {
    id: string;
    name: string;
    guidelines: string;
    leaseMinutes: number;
    minDemonstrationChars: number;
    maxDemonstrationChars: number;
    answersPerTask: number;
    /** Seconds the labeler may take a submission back (0: no undo). */
    undoSeconds: number;
    /** The flags, rating axes and rationale rule of the project. */
    labelSchema: LabelSchema;
  };
  prompt: { messages: Message[] };
  answers: { position: number; text: string }[];
};

/** One row of the payload query (sql/next-task.ts PAYLOAD): the assignment, task, project and prompt. */
export type PayloadRow = Pick<TaskPayload, "assignmentId" | "taskId" | "kind" | "answers"> &
  Omit<TaskPayload["project"], "id" | "labelSchema"> & { labelSchema: unknown; leasedUntil: Date; projectId: string; messages: Message[] };

export function toPayload(r: PayloadRow): TaskPayload {
  return {
    assignmentId: r.assignmentId,
    taskId: r.taskId,
    kind: r.kind,
    leaseExpiresAt: r.leasedUntil.toISOString(),
    project: {
      id: r.projectId,
      name: r.name,
      guidelines: r.guidelines,
      leaseMinutes: r.leaseMinutes,
      minDemonstrationChars: r.minDemonstrationChars,
      maxDemonstrationChars: r.maxDemonstrationChars,
      answersPerTask: r.answersPerTask,
      undoSeconds: r.undoSeconds,
      labelSchema: schemaOf(r.labelSchema),
    },
    prompt: { messages: r.messages },
    answers: r.answers,
  };
}
