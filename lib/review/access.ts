// Who may review which task: "labels.review" in the task's project (lib/auth/permissions.ts
// canInProject). A reviewer who is not a member gets one sentence and nothing is written.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { can, canInProject, type Permission } from "../auth/permissions";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { projectRoleOf } from "../membership/access";
import { isId } from "../validation/id";

export const NOT_A_MEMBER = "You can review only tasks of projects you are a member of.";

/** The task's project id, once the user may do `permission` (labels.review or labels.read_all) there. */
export async function assertTaskReviewable(db: Db | Tx, user: SessionUser, taskId: string, permission: Permission = "labels.review") {
  const task = isId(taskId) ? await db.task.findUnique({ where: { id: taskId }, select: { id: true, projectId: true, kind: true } }) : null;
  if (!task) throw new AppError("not_found", "That task was not found.");
  if (can(user, "projects.all")) return task;
  const role = await projectRoleOf(db, user.id, task.projectId);
  if (role === null) throw new AppError("forbidden", NOT_A_MEMBER);
  if (!canInProject(user, role, permission)) throw new AppError("forbidden", `Your role in this project (${role}) does not allow reviewing.`);
  return task;
}
