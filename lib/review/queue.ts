// The review queue: tasks a reviewer should look at, in the projects where they may review.
//   - reported: a labeler reported the task ("cannot rank": broken, offensive, unreadable),
//   - lowest agreement: tasks ranked by two or more labelers whose pairwise agreement is lowest,
//   - a random sample of ranked tasks, so review also sees the ordinary work.
// Tasks already reviewed are left out of all three.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";
import type { Message } from "../imports/records";
import { projectsWhere } from "../membership/access";
import { projectAgreement } from "../quality/agreement";
import type { Tiers } from "../ranking/tiers";

export type QueueRow = { taskId: string; projectName: string; prompt: string; rankings: number; reports: number; agreement: number | null };

/** How many tasks the lowest-agreement list considers (the most recent ones) and shows. */
const CANDIDATES = 2000;

export async function reviewQueue(db: Db, user: SessionUser, opts: { projectId?: string; take?: number; sample?: number } = {}) {
  const take = opts.take ?? 20;
  const projects = await projectsWhere(db, user, "labels.review");
  const scope = Prisma.sql`${projects === null ? Prisma.sql`TRUE` : Prisma.sql`t."projectId" = ANY(${projects}::uuid[])`}
    AND ${opts.projectId ? Prisma.sql`t."projectId" = ${opts.projectId}::uuid` : Prisma.sql`TRUE`}
    AND NOT EXISTS (SELECT 1 FROM "TaskReview" rv WHERE rv."taskId" = t.id)`;
  const rows = (where: Prisma.Sql, order: Prisma.Sql, limit: number) => db.$queryRaw<
    { taskId: string; projectName: string; messages: Message[]; rankings: number; reports: number }[]
  >`
    SELECT t.id AS "taskId", p.name AS "projectName", pr.messages,
      (SELECT count(*)::int FROM "Ranking" r WHERE r."taskId" = t.id
         AND NOT EXISTS (SELECT 1 FROM "LabelDiscard" d WHERE d."rankingId" = r.id)) AS rankings,
      (SELECT count(*)::int FROM "Assignment" a WHERE a."taskId" = t.id AND a.reported) AS reports
    FROM "Task" t JOIN "Project" p ON p.id = t."projectId" JOIN "Prompt" pr ON pr.id = t."promptId"
    WHERE ${scope} AND ${where} ORDER BY ${order} LIMIT ${limit}`;

  const [reported, candidates, sample] = await Promise.all([
    rows(Prisma.sql`EXISTS (SELECT 1 FROM "Assignment" a WHERE a."taskId" = t.id AND a.reported)`, Prisma.sql`t."createdAt" DESC`, take),
    rows(
      Prisma.sql`t.kind = 'ranking' AND (SELECT count(*) FROM "Ranking" r WHERE r."taskId" = t.id
         AND NOT EXISTS (SELECT 1 FROM "LabelDiscard" d WHERE d."rankingId" = r.id)) >= 2`,
      Prisma.sql`t."createdAt" DESC`,
      CANDIDATES,
    ),
    rows(Prisma.sql`t.kind = 'ranking' AND EXISTS (SELECT 1 FROM "Ranking" r WHERE r."taskId" = t.id)`, Prisma.sql`random()`, opts.sample ?? 5),
  ]);
  const rates = await agreementOf(
    db,
    candidates.map((c) => c.taskId),
  );
  const view = (r: (typeof reported)[number]): QueueRow => ({
    taskId: r.taskId,
    projectName: r.projectName,
    prompt: (r.messages.at(-1)?.content ?? "").slice(0, 160),
    rankings: r.rankings,
    reports: r.reports,
    agreement: rates.get(r.taskId) ?? null,
  });
  const lowest = candidates
    .map(view)
    .filter((r) => r.agreement !== null)
    .sort((a, b) => a.agreement! - b.agreement! || a.taskId.localeCompare(b.taskId))
    .slice(0, take);
  const sampleRates = await agreementOf(
    db,
    sample.map((s) => s.taskId),
  );
  return {
    reported: reported.map(view),
    lowestAgreement: lowest,
    sample: sample.map((s) => ({ ...view(s), agreement: sampleRates.get(s.taskId) ?? null })),
  };
}

/** Pairwise agreement per task over its labels that are not discarded (null: fewer than two). */
export async function agreementOf(db: Db, taskIds: string[]): Promise<Map<string, number | null>> {
  if (taskIds.length === 0) return new Map();
  const rankings = await db.ranking.findMany({
    where: { taskId: { in: taskIds }, discard: null },
    select: { taskId: true, labelerId: true, tiers: true },
  });
  const byTask = new Map<string, { taskId: string; labelerId: string; tiers: Tiers }[]>();
  for (const r of rankings) {
    const list = byTask.get(r.taskId) ?? [];
    list.push({ taskId: r.taskId, labelerId: r.labelerId, tiers: r.tiers as Tiers });
    byTask.set(r.taskId, list);
  }
  return new Map(taskIds.map((id) => [id, byTask.has(id) ? projectAgreement(byTask.get(id)!).rate : null]));
}
