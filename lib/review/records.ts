// The records page: find any task by its prompt's or answers' text, and filter by project, labeler,
// status, source model, date and agreement; bulk re-queue or discard with a reason (audited).
//   status: open (results still wanted), done (all wanted results in), reported (a labeler reported
//   it), reviewed (a reviewer accepted or overrode it), discarded (a label of it is discarded),
//   gold (it carries a known ranking).
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { Message } from "../imports/records";
import { projectsWhere } from "../membership/access";
import type { RecordsBulkInput, RecordsQuery } from "../validation/review";
import { NOT_A_MEMBER } from "./access";
import { agreementOf } from "./queue";

const RECORDS_PAGE = 50;

export type RecordRow = {
  taskId: string;
  kind: string;
  projectName: string;
  prompt: string;
  done: number;
  wanted: number;
  reported: boolean;
  review: string | null;
  discarded: number;
  gold: boolean;
  createdAt: string;
  agreement: number | null;
};

const STATUS_SQL: Record<NonNullable<RecordsQuery["status"]>, Prisma.Sql> = {
  open: Prisma.sql`t.done < t.wanted`,
  done: Prisma.sql`t.done >= t.wanted`,
  reported: Prisma.sql`EXISTS (SELECT 1 FROM "Assignment" a WHERE a."taskId" = t.id AND a.reported)`,
  reviewed: Prisma.sql`EXISTS (SELECT 1 FROM "TaskReview" rv WHERE rv."taskId" = t.id)`,
  discarded: Prisma.sql`EXISTS (SELECT 1 FROM "LabelDiscard" d WHERE d."taskId" = t.id)`,
  gold: Prisma.sql`t.gold IS NOT NULL`,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchRecords(db: Db, user: SessionUser, f: RecordsQuery): Promise<{ rows: RecordRow[]; more: boolean }> {
  const projects = await projectsWhere(db, user, "labels.read_all");
  const w: Prisma.Sql[] = [];
  if (projects !== null) w.push(Prisma.sql`t."projectId" = ANY(${projects}::uuid[])`);
  if (f.project) w.push(Prisma.sql`t."projectId" = ${f.project}::uuid`);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    w.push(Prisma.sql`(pr.messages::text ILIKE ${like} OR EXISTS (SELECT 1 FROM "TaskCompletion" tc JOIN "Completion" c ON c.id = tc."completionId"
      WHERE tc."taskId" = t.id AND c.text ILIKE ${like}) OR EXISTS (SELECT 1 FROM "Demonstration" dm WHERE dm."taskId" = t.id AND dm.text ILIKE ${like}))`);
  }
  if (f.labeler)
    w.push(Prisma.sql`(EXISTS (SELECT 1 FROM "Ranking" r WHERE r."taskId" = t.id AND r."labelerId" = ${f.labeler}::uuid)
      OR EXISTS (SELECT 1 FROM "Demonstration" dm WHERE dm."taskId" = t.id AND dm."authorId" = ${f.labeler}::uuid))`);
  if (f.status) w.push(STATUS_SQL[f.status]);
  if (f.source)
    w.push(Prisma.sql`EXISTS (SELECT 1 FROM "TaskCompletion" tc JOIN "Completion" c ON c.id = tc."completionId"
      WHERE tc."taskId" = t.id AND (c."sourceName" = ${f.source} OR c.source::text = ${f.source}))`);
  if (f.from) w.push(Prisma.sql`t."createdAt" >= ${f.from}`);
  if (f.to) w.push(Prisma.sql`t."createdAt" < ${f.to}`);
  // Agreement needs every ranking of a task: filter ranked-twice tasks in SQL, then by rate below.
  if (f.maxAgreement !== undefined) w.push(Prisma.sql`(SELECT count(*) FROM "Ranking" r WHERE r."taskId" = t.id) >= 2`);
  const where = w.length ? Prisma.join(w, " AND ") : Prisma.sql`TRUE`;
  const page = f.page ?? 1;
  // With an agreement bound, read a wider slice and keep the rows under it (agreement is not in SQL).
  const limit = f.maxAgreement !== undefined ? 2000 : RECORDS_PAGE + 1;
  const offset = f.maxAgreement !== undefined ? 0 : (page - 1) * RECORDS_PAGE;
  const rows = await db.$queryRaw<
    {
      taskId: string;
      kind: string;
      projectName: string;
      messages: Message[];
      done: number;
      wanted: number;
      reported: boolean;
      review: string | null;
      discarded: number;
      gold: boolean;
      createdAt: Date;
    }[]
  >`
    SELECT t.id AS "taskId", t.kind::text AS kind, p.name AS "projectName", pr.messages, t.done, t.wanted,
      EXISTS (SELECT 1 FROM "Assignment" a WHERE a."taskId" = t.id AND a.reported) AS reported,
      (SELECT rv.decision::text FROM "TaskReview" rv WHERE rv."taskId" = t.id) AS review,
      (SELECT count(*)::int FROM "LabelDiscard" d WHERE d."taskId" = t.id) AS discarded,
      t.gold IS NOT NULL AS gold, t."createdAt"
    FROM "Task" t JOIN "Project" p ON p.id = t."projectId" JOIN "Prompt" pr ON pr.id = t."promptId"
    WHERE ${where}
    ORDER BY t."createdAt" DESC, t.id LIMIT ${limit} OFFSET ${offset}`;
  const rates = await agreementOf(
    db,
    rows.filter((r) => r.kind === "ranking").map((r) => r.taskId),
  );
  let out: RecordRow[] = rows.map((r) => ({
    taskId: r.taskId,
    kind: r.kind,
    projectName: r.projectName,
    prompt: (r.messages.at(-1)?.content ?? "").slice(0, 160),
    done: r.done,
    wanted: r.wanted,
    reported: r.reported,
    review: r.review,
    discarded: r.discarded,
    gold: r.gold,
    createdAt: r.createdAt.toISOString(),
    agreement: rates.get(r.taskId) ?? null,
  }));
  if (f.maxAgreement !== undefined) {
    out = out.filter((r) => r.agreement !== null && r.agreement <= f.maxAgreement!).slice((page - 1) * RECORDS_PAGE);
  }
  return { rows: out.slice(0, RECORDS_PAGE), more: out.length > RECORDS_PAGE };
}

/**
 * Re-queue: each task wants one more result, so it goes back to the queue (to labelers who have not
 * done it). Discard: every label of each task not yet discarded is marked discarded with the reason.
 * All tasks must be in projects where the user may review; otherwise nothing is written.
 */
export async function bulkRecords(db: Db, user: SessionUser, input: RecordsBulkInput) {
  const ids = [...new Set(input.taskIds)];
  return db.$transaction(async (tx) => {
    const tasks = await tx.task.findMany({ where: { id: { in: ids } }, select: { id: true, projectId: true } });
    if (tasks.length !== ids.length) throw new AppError("not_found", "One of the chosen tasks was not found.");
    const allowed = await projectsWhere(tx as unknown as Db, user, "labels.review");
    if (allowed !== null && tasks.some((t) => !allowed.includes(t.projectId))) throw new AppError("forbidden", NOT_A_MEMBER);
    let changed = 0;
    if (input.action === "requeue") {
      changed = (await tx.task.updateMany({ where: { id: { in: ids } }, data: { wanted: { increment: 1 } } })).count;
    } else {
      const [rankings, demos] = await Promise.all([
        tx.ranking.findMany({ where: { taskId: { in: ids }, discard: null }, select: { id: true, taskId: true } }),
        tx.demonstration.findMany({ where: { taskId: { in: ids }, discard: null }, select: { id: true, taskId: true } }),
      ]);
      const data = [
        ...rankings.map((r) => ({ taskId: r.taskId!, rankingId: r.id, byId: user.id, reason: input.reason })),
        ...demos.map((d) => ({ taskId: d.taskId!, demonstrationId: d.id, byId: user.id, reason: input.reason })),
      ];
      changed = (await tx.labelDiscard.createMany({ data, skipDuplicates: true })).count;
    }
    for (const id of ids) await audit(tx, user.id, `records.${input.action}`, { type: "task", id }, { reason: input.reason });
    return { action: input.action, tasks: ids.length, changed };
  });
}
