// Project members: listing, adding, changing roles, removing (admins, on the project page), and
// who joins a project when it or a user is created. Every change is audited.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { defaultProjectRole, ROLES, type ProjectRole, type Role } from "../auth/permissions";
import { audit } from "../audit";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";

/** The global roles whose default project role is `r` (defaultProjectRole). */
const rolesFor = (r: ProjectRole) => ROLES.filter((role) => defaultProjectRole(role) === r);

export type MemberView = { userId: string; email: string; name: string; globalRole: Role; role: ProjectRole; disabled: boolean };

export async function listMembers(db: Db, projectId: string): Promise<MemberView[]> {
  const rows = await db.projectMember.findMany({
    where: { projectId },
    include: { user: { select: { email: true, name: true, role: true, disabled: true } } },
    orderBy: { user: { email: "asc" } },
  });
  return rows.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, globalRole: m.user.role, role: m.role, disabled: m.user.disabled }));
}

export async function setMember(db: Db, actor: SessionUser, projectId: string, input: { userId: string; role: ProjectRole }) {
  return db.$transaction(async (tx) => {
    const [project, user] = await Promise.all([
      tx.project.findUnique({ where: { id: projectId }, select: { id: true } }),
      tx.user.findUnique({ where: { id: input.userId }, select: { id: true } }),
    ]);
    if (!project) throw new AppError("not_found", "That project was not found.");
    if (!user) throw new AppError("not_found", "That user was not found.");
    const key = { projectId_userId: { projectId, userId: input.userId } };
    const before = await tx.projectMember.findUnique({ where: key, select: { role: true } });
    await tx.projectMember.upsert({
      where: key,
      create: { projectId, userId: input.userId, role: input.role, addedById: actor.id },
      update: { role: input.role },
    });
    await audit(
      tx,
      actor.id,
      before ? "project.member.role" : "project.member.add",
      { type: "project", id: projectId },
      {
        userId: input.userId,
        role: input.role,
        ...(before ? { from: before.role } : {}),
      },
    );
    return { userId: input.userId, role: input.role };
  });
}

export async function removeMember(db: Db, actor: SessionUser, projectId: string, userId: string) {
  await db.$transaction(async (tx) => {
    const gone = await tx.projectMember.deleteMany({ where: { projectId, userId } });
    if (gone.count === 0) throw new AppError("not_found", "That user is not a member of this project.");
    await audit(tx, actor.id, "project.member.remove", { type: "project", id: projectId }, { userId });
  });
}

/**
 * A new user joins projects: the ones named, or (none named) every project, as before membership
 * existed. Their project role follows their global role (defaultProjectRole). Unknown ids: 400.
 */
export async function joinNewUser(
  tx: Tx,
  user: { id: string; role: Role },
  projectIds: string[] | undefined,
  addedById: string | null,
  opts: { skipMissing?: boolean } = {},
) {
  const role = defaultProjectRole(user.role);
  // One statement: it runs inside every user creation (and 50 of those at once in tests).
  const joined = await tx.$executeRaw`
    INSERT INTO "ProjectMember" ("projectId", "userId", role, "addedById")
    SELECT p.id, ${user.id}::uuid, ${role}::"ProjectRole", ${addedById}::uuid FROM "Project" p
     WHERE ${projectIds ?? null}::uuid[] IS NULL OR p.id = ANY(${projectIds ?? null}::uuid[])
    ON CONFLICT DO NOTHING`;
  if (projectIds && !opts.skipMissing && joined !== new Set(projectIds).size) throw new AppError("bad_request", "One of the chosen projects does not exist.");
}

/**
 * Members of a new project: its creator, and with "everyone" every user who is not disabled (the
 * default: a new project is open to the whole team until an admin narrows it on the project page).
 */
export async function seedProjectMembers(tx: Tx, projectId: string, creator: { id: string } | null, members: "everyone" | "creator") {
  const creatorId = creator?.id ?? null;
  // The project role from the global role, as defaultProjectRole (one statement, whatever the team size).
  await tx.$executeRaw`
    INSERT INTO "ProjectMember" ("projectId", "userId", role, "addedById")
    SELECT ${projectId}::uuid, u.id,
           CASE WHEN u.role::text IN (${Prisma.join(rolesFor("researcher"))}) THEN 'researcher'::"ProjectRole"
                WHEN u.role::text IN (${Prisma.join(rolesFor("reviewer"))}) THEN 'reviewer'::"ProjectRole"
                ELSE 'labeler'::"ProjectRole" END,
           ${creatorId}::uuid
      FROM "User" u
     WHERE ${members === "everyone"}::boolean AND NOT u.disabled OR u.id = ${creatorId}::uuid
    ON CONFLICT DO NOTHING`;
}
