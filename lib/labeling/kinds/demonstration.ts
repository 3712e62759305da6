// Demonstration tasks on the server (a row of ../task-types.ts): the reply an ideal assistant would
// give to the task's prompt, within the project's length limits.
import "server-only";
import { AppError } from "../../errors";
import type { DemonstrationSubmission } from "../../validation/ranking";
import { INSERT_DEMONSTRATION, PRIOR_DEMONSTRATION } from "../sql/submit";
import { run } from "../sql/transaction";
import type { TaskType } from "../task-types";

export type DemonstrationKind = {
  submission: DemonstrationSubmission;
  result: { id: string };
  edit: { text: string };
  edited: { id: string };
  undone: { taskId: string; assignmentId: string; text: string };
};

function checkLength(text: string, min: number, max: number) {
  const n = [...text].length;
  if (n > max) throw new AppError("too_large", `The demonstration is ${n} characters; this project allows at most ${max}.`);
  if (n < min) throw new AppError("bad_request", `The demonstration is ${n} characters; this project needs at least ${min}.`);
}

type PriorDemonstration = { id: string; taskId: string | null; authorId: string };

export const demonstrationType: TaskType<DemonstrationKind> = {
  clientIdKey: "Demonstration_clientId_key",
  full: "This prompt already has all the demonstrations it needs.",

  async prior(c, clientId) {
    const [p] = await run<PriorDemonstration>(c, PRIOR_DEMONSTRATION, [clientId]);
    return p ? { taskId: p.taskId, ownerId: p.authorId, result: { id: p.id } } : null;
  },

  prepare(task, input, user) {
    checkLength(input.text, task.minDemonstrationChars, task.maxDemonstrationChars);
    return {
      statement: INSERT_DEMONSTRATION,
      values: [task.id, user.id, task.promptId, input.text, input.timeSpentMs, input.clientId],
      result: (id) => ({ id }),
    };
  },

  async editable(tx, id) {
    const d = await tx.demonstration.findUnique({ where: { id }, include: { prompt: { include: { project: true } } } });
    if (!d) return null;
    const p = d.prompt.project;
    const apply = async ({ text }: { text: string }) => {
      checkLength(text, p.minDemonstrationChars, p.maxDemonstrationChars);
      await tx.demonstration.update({ where: { id }, data: { text } });
      return { result: { id }, audit: { charsBefore: [...d.text].length, charsAfter: [...text].length } };
    };
    return { ownerId: d.authorId, createdAt: d.createdAt, editLockHours: p.editLockHours, apply };
  },

  async undoable(tx, id) {
    const d = await tx.demonstration.findUnique({ where: { id }, include: { prompt: { include: { project: true } } } });
    if (!d) return null;
    const taskId = d.taskId;
    if (!taskId) throw new AppError("conflict", "This demonstration has no task to return to.");
    const p = d.prompt.project;
    return {
      ownerId: d.authorId,
      createdAt: d.createdAt,
      taskId,
      assignmentId: d.assignmentId,
      undoSeconds: p.undoSeconds,
      leaseMinutes: p.leaseMinutes,
      remove: async () => void (await tx.demonstration.delete({ where: { id } })),
      result: { taskId, assignmentId: d.assignmentId!, text: d.text },
      audit: { taskId, chars: [...d.text].length },
    };
  },
};
