// What a labeler sees on their home page: work waiting for them, what they did, their own history.
// Every query is scoped to the labeler: nobody else's work is read, and only projects they are a
// member of are shown (admins: every project).
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { can } from "../auth/permissions";
import type { Db } from "../db";
import type { TaskKind } from "./task-kinds";

export type Waiting = { projectId: string; projectName: string; kind: TaskKind; tasks: number };

/** Open tasks this labeler could take now, per project and kind (the queue's own rules). */
export async function waitingWork(db: Db, user: SessionUser): Promise<Waiting[]> {
  const rows = await db.$queryRaw<{ projectId: string; projectName: string; kind: Waiting["kind"]; tasks: number }[]>`
    SELECT p.id AS "projectId", p.name AS "projectName", t.kind::text AS kind, count(*)::int AS tasks
    FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
    WHERE NOT p.archived AND t.done < t.wanted
      AND (${can(user, "projects.all")}::boolean OR EXISTS (SELECT 1 FROM "ProjectMember" m WHERE m."projectId" = p.id AND m."userId" = ${user.id}::uuid))
      AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."taskId" = t.id AND a."userId" = ${user.id}::uuid
                      AND a.status IN ('submitted', 'skipped'))
      AND t.wanted - t.done > (SELECT count(*) FROM "Assignment" a WHERE a."taskId" = t.id AND a.status = 'active'
                               AND a."leasedUntil" > now() AND a."userId" <> ${user.id}::uuid)
    GROUP BY p.id, p.name, t.kind ORDER BY p.name, t.kind`;
  return rows;
}

export type Tally = { rankings: number; demonstrations: number; timeSpentMs: number };

export async function tallySince(db: Db, user: SessionUser, since: Date): Promise<Tally> {
  const [r, d] = await Promise.all([
    db.ranking.aggregate({ where: { labelerId: user.id, createdAt: { gte: since } }, _count: true, _sum: { timeSpentMs: true } }),
    db.demonstration.aggregate({ where: { authorId: user.id, createdAt: { gte: since } }, _count: true, _sum: { timeSpentMs: true } }),
  ]);
  return {
    rankings: r._count,
    demonstrations: d._count,
    timeSpentMs: (r._sum.timeSpentMs ?? 0) + (d._sum.timeSpentMs ?? 0),
  };
}

export type HistoryItem = {
  kind: TaskKind;
  id: string;
  createdAt: Date;
  projectName: string;
  prompt: string;
  summary: string;
  editableUntil: Date;
  /** A ranking's answers and its details as saved, so it can be edited on the same tier board. */
  ranking?: RankingEditState;
};

export type RankingEditState = {
  answers: { position: number; text: string }[];
  tiers: number[][];
  meta: Record<number, { likert?: number; flags: string[] }>;
};

export async function ownHistory(db: Db, user: SessionUser, take = 20): Promise<HistoryItem[]> {
  const mine = can(user, "projects.all") ? {} : { members: { some: { userId: user.id } } };
  const [rankings, demos] = await Promise.all([
    db.ranking.findMany({
      where: { labelerId: user.id, importedFrom: null, task: { project: mine } },
      orderBy: { createdAt: "desc" },
      take,
      include: {
        task: {
          include: {
            project: true,
            prompt: { select: { messages: true } },
            items: { orderBy: { position: "asc" }, select: { position: true, completionId: true, completion: { select: { text: true } } } },
          },
        },
        answers: { select: { completionId: true, likert: true, flags: true } },
      },
    }),
    db.demonstration.findMany({
      where: { authorId: user.id, prompt: { project: mine } },
      orderBy: { createdAt: "desc" },
      take,
      include: { prompt: { include: { project: true } } },
    }),
  ]);
  const lastUser = (m: unknown) => ((m as { content: string }[]).at(-1)?.content ?? "").slice(0, 140);
  const until = (created: Date, hours: number) => new Date(created.getTime() + hours * 3_600_000);
  return [
    ...rankings.map((r) => ({
      kind: "ranking" as const,
      id: r.id,
      createdAt: r.createdAt,
      projectName: r.task.project.name,
      prompt: lastUser(r.task.prompt.messages),
      summary: r.notation,
      editableUntil: until(r.createdAt, r.task.project.editLockHours),
      ranking: rankingEditState(r.task.items, r.tiers as number[][], r.answers),
    })),
    ...demos.map((d) => ({
      kind: "demonstration" as const,
      id: d.id,
      createdAt: d.createdAt,
      projectName: d.prompt.project.name,
      prompt: lastUser(d.prompt.messages),
      summary: d.text.slice(0, 140),
      editableUntil: until(d.createdAt, d.prompt.project.editLockHours),
    })),
  ]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, take);
}

function rankingEditState(
  items: { position: number; completionId: string; completion: { text: string } }[],
  tiers: number[][],
  answers: { completionId: string; likert: number | null; flags: string[] }[],
): RankingEditState {
  const byCompletion = new Map(answers.map((a) => [a.completionId, a]));
  const meta: RankingEditState["meta"] = {};
  for (const item of items) {
    const a = byCompletion.get(item.completionId);
    if (a) meta[item.position] = { ...(a.likert !== null ? { likert: a.likert } : {}), flags: a.flags };
  }
  return { answers: items.map((i) => ({ position: i.position, text: i.completion.text })), tiers, meta };
}
