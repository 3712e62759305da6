// Project membership checks (issue 16). The rule, in one place: a user with "projects.all" (admins)
// sees every project; anyone else only the projects they are a member of, and in each only what
// both their global role and their project role allow (lib/auth/permissions.ts canInProject).
// A project someone is not a member of does not exist for them: 404, never a hint that it is there.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { can, canInProject, PROJECT_ROLE_PERMISSIONS, PROJECT_ROLES, type Permission, type ProjectRole } from "../auth/permissions";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { isId } from "../validation/id";

type Who = Pick<SessionUser, "id" | "role">;

const PROJECT_NOT_FOUND = "That project was not found.";

/** The user's role in a project, or null when they are not a member. */
export async function projectRoleOf(db: Db | Tx, userId: string, projectId: string): Promise<ProjectRole | null> {
  const m = await db.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true } });
  return m?.role ?? null;
}

/**
 * Throws unless the user may do `permission` in the project: 404 for a project that does not exist
 * or that they are not a member of, 403 for a member whose project role does not allow it.
 */
export async function assertProjectPermission(db: Db | Tx, user: Who, projectId: string, permission: Permission): Promise<void> {
  if (can(user, "projects.all")) {
    const found = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
    if (!found) throw new AppError("not_found", PROJECT_NOT_FOUND);
    return;
  }
  const role = await projectRoleOf(db, user.id, projectId);
  if (role === null) throw new AppError("not_found", PROJECT_NOT_FOUND);
  if (!canInProject(user, role, permission)) throw new AppError("forbidden", `Your role in this project (${role}) does not allow that.`);
}

/**
 * The projects where the user may do `permission`: null means every project ("projects.all"),
 * otherwise the ids (possibly none).
 */
export async function projectsWhere(db: Db | Tx, user: Who, permission: Permission): Promise<string[] | null> {
  if (can(user, "projects.all")) return null;
  if (!can(user, permission)) return [];
  const roles = PROJECT_ROLES.filter((r) => PROJECT_ROLE_PERMISSIONS[r].includes(permission));
  const rows = await db.projectMember.findMany({ where: { userId: user.id, role: { in: roles } }, select: { projectId: true } });
  return rows.map((r) => r.projectId);
}

/** A Prisma `where` on a projectId column for projectsWhere's answer (undefined: no restriction). */
export const inProjects = (ids: string[] | null) => (ids === null ? undefined : { in: ids });

/**
 * A record that belongs to a project (a run, an export): its project must allow `permission` for the
 * user. One with no project (an all-projects export, a run whose project was deleted) only for
 * "projects.all". A record that does not exist, or is out of reach, is `what` not found.
 */
async function assertRecordInReach(db: Db | Tx, user: Who, projectId: string | null | undefined, permission: Permission, what: string) {
  if (can(user, "projects.all")) return;
  const role = projectId ? await projectRoleOf(db, user.id, projectId) : null;
  if (role === null) throw new AppError("not_found", `${what} was not found.`);
  if (!canInProject(user, role, permission)) throw new AppError("forbidden", `Your role in this project (${role}) does not allow that.`);
}

/** A run of a project the user may `permission` in; a run with no project (its project was deleted) is anyone's with the permission. */
export async function assertRunAccess(db: Db | Tx, user: Who, runId: string, permission: Permission): Promise<void> {
  const run = isId(runId) ? await db.trainingRun.findUnique({ where: { id: runId }, select: { projectId: true } }) : null;
  if (!run) throw new AppError("not_found", "The run was not found.");
  if (run.projectId !== null) await assertRecordInReach(db, user, run.projectId, permission, "The run");
}

/** A Prisma `where` for runs in reach: of these projects, or of none (see assertRunAccess). */
export const runsInProjects = (ids: string[] | null) => (ids === null ? {} : { OR: [{ projectId: { in: ids } }, { projectId: null }] });

export async function assertExportAccess(db: Db | Tx, user: Who, exportId: string): Promise<void> {
  const e = isId(exportId) ? await db.export.findUnique({ where: { id: exportId }, select: { projectId: true } }) : null;
  if (!e) throw new AppError("not_found", "The export was not found.");
  await assertRecordInReach(db, user, e.projectId, "datasets.export", "The export");
}

/** A new export: of a project the user may export, or (no project named) every project, which needs "projects.all". */
export async function assertExportRequest(db: Db | Tx, user: Who, projectId: string | undefined): Promise<void> {
  if (projectId) return assertProjectPermission(db, user, projectId, "datasets.export");
  if (!can(user, "projects.all")) throw new AppError("bad_request", "Choose a project: you can export only the projects you are a member of.");
}
