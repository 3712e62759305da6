// Projects and their progress figures.
import "server-only";
import type { z } from "zod";
import { audit } from "./audit";
import type { SessionUser } from "./auth/authenticate";
import type { Db } from "./db";
import { AppError } from "./errors";
import { Prisma } from "./generated/prisma/client";
import { seedProjectMembers } from "./membership/members";
import type { createProjectInput, updateProjectInput } from "./validation/project";

/** The projects a pipeline can import into: id, slug, name, newest first. */
/** The projects whose ids are given (null: every project), newest first. */
export async function listProjectRefs(db: Db, ids: string[] | null = null) {
  return db.project.findMany({
    where: ids === null ? undefined : { id: { in: ids } },
    select: { id: true, slug: true, name: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}

export async function projectOverview(db: Db) {
  const projects = await db.project.findMany({ where: { archived: false }, orderBy: { createdAt: "asc" } });
  const counts = await db.$queryRaw<{ projectId: string; prompts: bigint; demoTasks: bigint; demoDone: bigint; rankTasks: bigint; rankDone: bigint }[]>`
    SELECT p.id AS "projectId",
      (SELECT count(*) FROM "Prompt" WHERE "projectId" = p.id) AS prompts,
      (SELECT count(*) FROM "Task" WHERE "projectId" = p.id AND kind = 'demonstration') AS "demoTasks",
      (SELECT coalesce(sum(done), 0) FROM "Task" WHERE "projectId" = p.id AND kind = 'demonstration') AS "demoDone",
      (SELECT count(*) FROM "Task" WHERE "projectId" = p.id AND kind = 'ranking') AS "rankTasks",
      (SELECT coalesce(sum(done), 0) FROM "Task" WHERE "projectId" = p.id AND kind = 'ranking') AS "rankDone"
    FROM "Project" p WHERE NOT p.archived`;
  const byId = new Map(counts.map((c) => [c.projectId, c]));
  return projects.map((p) => {
    const c = byId.get(p.id);
    return {
      ...p,
      prompts: Number(c?.prompts ?? 0),
      demonstrationTasks: Number(c?.demoTasks ?? 0),
      demonstrationsDone: Number(c?.demoDone ?? 0),
      rankingTasks: Number(c?.rankTasks ?? 0),
      rankingsDone: Number(c?.rankDone ?? 0),
    };
  });
}

export async function createProject(db: Db, actor: SessionUser, input: z.infer<typeof createProjectInput>) {
  const { members, ...settings } = input;
  const slug = settings.slug ?? slugify(settings.name);
  try {
    return await db.$transaction(async (tx) => {
      const project = await tx.project.create({ data: { ...settings, slug, createdById: actor.id } });
      await seedProjectMembers(tx, project.id, actor, members);
      await audit(tx, actor.id, "project.create", { type: "project", id: project.id }, { slug, members });
      return project;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new AppError("conflict", `A project with the slug "${slug}" already exists.`);
    throw e;
  }
}

export async function updateProject(db: Db, actor: SessionUser, id: string, input: z.infer<typeof updateProjectInput>) {
  return db.$transaction(async (tx) => {
    const found = await tx.project.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new AppError("not_found", "That project was not found.");
    const project = await tx.project.update({ where: { id }, data: input });
    if (project.minDemonstrationChars > project.maxDemonstrationChars)
      throw new AppError("bad_request", "The minimum demonstration length is above the maximum.");
    await audit(tx, actor.id, "project.update", { type: "project", id }, input);
    return project;
  });
}

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50) || "project";
