// What a labeler's browser receives for a task: the prompt, the answers in display order and the
// project settings the task view needs. Nothing about other labelers.
import "server-only";
import type { Tx } from "../db";
import type { Message } from "../imports/records";

export type TaskPayload = {
  assignmentId: string;
  taskId: string;
  kind: "demonstration" | "ranking";
  leaseExpiresAt: string;
  project: {
    id: string;
    name: string;
    guidelines: string;
    leaseMinutes: number;
    minDemonstrationChars: number;
    maxDemonstrationChars: number;
    answersPerTask: number;
  };
  prompt: { messages: Message[] };
  answers: { position: number; text: string }[];
};

export async function taskPayload(tx: Tx, assignmentId: string): Promise<TaskPayload> {
  const a = await tx.assignment.findUniqueOrThrow({
    where: { id: assignmentId },
    include: {
      task: {
        include: {
          project: true,
          prompt: { select: { messages: true } },
          items: { orderBy: { position: "asc" }, include: { completion: { select: { text: true } } } },
        },
      },
    },
  });
  const { task } = a;
  const p = task.project;
  return {
    assignmentId: a.id,
    taskId: task.id,
    kind: task.kind,
    leaseExpiresAt: a.leasedUntil.toISOString(),
    project: {
      id: p.id,
      name: p.name,
      guidelines: p.guidelines,
      leaseMinutes: p.leaseMinutes,
      minDemonstrationChars: p.minDemonstrationChars,
      maxDemonstrationChars: p.maxDemonstrationChars,
      answersPerTask: p.answersPerTask,
    },
    prompt: { messages: task.prompt.messages as Message[] },
    answers: task.items.map((i) => ({ position: i.position, text: i.completion.text })),
  };
}
