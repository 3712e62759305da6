// Gold accuracy: how often a labeler's rankings of gold tasks agree with the known ranking, pair by
// pair (a pair agrees when both order it the same way; a tie agrees only with a tie), with a 95%
// Wilson score interval. A project's goldMinAccuracy leaves a labeler out of exports (the existing
// User.excludeFromExports) once they are confidently below it, and records it for the admin.
import "server-only";
import { audit } from "../audit";
import type { Db } from "../db";
import type { Tiers } from "../ranking/tiers";

/** Gold tasks a labeler must have ranked before their accuracy can exclude them. */
export const GOLD_MIN_TASKS = 3;
const Z = 1.959964; // 95%

export type GoldAccuracy = {
  labelerId: string;
  email: string;
  tasks: number;
  pairs: number;
  agreed: number;
  accuracy: number | null;
  /** 95% Wilson score interval; null with no pairs. */
  low: number | null;
  high: number | null;
};

/** 95% Wilson score interval of `k` successes in `n` trials. */
export function wilson(k: number, n: number, z = Z): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Pairs of positions ordered alike in `a` and `gold` (ties alike), and the number of pairs. */
export function pairAgreement(a: Tiers, gold: Tiers): { agreed: number; pairs: number } {
  const rank = (t: Tiers) => new Map(t.flatMap((tier, i) => tier.map((p) => [p, i] as const)));
  const ra = rank(a);
  const rg = rank(gold);
  const positions = [...rg.keys()].sort((x, y) => x - y);
  let agreed = 0;
  let pairs = 0;
  for (const [i, p] of positions.entries())
    for (const q of positions.slice(i + 1)) {
      pairs++;
      if (Math.sign(ra.get(p)! - ra.get(q)!) === Math.sign(rg.get(p)! - rg.get(q)!)) agreed++;
    }
  return { agreed, pairs };
}

/** Every labeler's gold accuracy in a project (only labelers who ranked a gold task), or one labeler's. */
export async function goldAccuracy(db: Db, projectId: string, labelerId?: string): Promise<GoldAccuracy[]> {
  const rows = await db.$queryRaw<{ labelerId: string; email: string; tiers: Tiers; gold: Tiers }[]>`
    SELECT r."labelerId", u.email, r.tiers, t.gold
      FROM "Ranking" r JOIN "Task" t ON t.id = r."taskId" JOIN "User" u ON u.id = r."labelerId"
     WHERE t."projectId" = ${projectId}::uuid AND t.gold IS NOT NULL
       AND (${labelerId ?? null}::uuid IS NULL OR r."labelerId" = ${labelerId ?? null}::uuid)`;
  const by = new Map<string, GoldAccuracy>();
  for (const r of rows) {
    const g = by.get(r.labelerId) ?? { labelerId: r.labelerId, email: r.email, tasks: 0, pairs: 0, agreed: 0, accuracy: null, low: null, high: null };
    const { agreed, pairs } = pairAgreement(r.tiers, r.gold);
    g.tasks++;
    g.pairs += pairs;
    g.agreed += agreed;
    by.set(r.labelerId, g);
  }
  return [...by.values()]
    .map((g) => {
      const ci = wilson(g.agreed, g.pairs);
      return { ...g, accuracy: g.pairs ? g.agreed / g.pairs : null, low: ci?.low ?? null, high: ci?.high ?? null };
    })
    .sort((a, b) => (a.accuracy ?? 2) - (b.accuracy ?? 2) || a.email.localeCompare(b.email));
}

/**
 * After a gold ranking: when the project has a threshold, the labeler has ranked at least
 * GOLD_MIN_TASKS gold tasks and even the top of their 95% interval is below the threshold, their
 * labels leave every new export (excludeFromExports) and an audit entry tells the admin, which the
 * quality page shows. Returns true when it excluded them now.
 */
export async function enforceGoldThreshold(db: Db, projectId: string, labelerId: string): Promise<boolean> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { goldMinAccuracy: true, name: true } });
  if (!project || project.goldMinAccuracy === null) return false;
  const [g] = await goldAccuracy(db, projectId, labelerId);
  if (!g || g.tasks < GOLD_MIN_TASKS || g.high === null || g.high >= project.goldMinAccuracy) return false;
  return db.$transaction(async (tx) => {
    const changed = await tx.user.updateMany({ where: { id: labelerId, excludeFromExports: false }, data: { excludeFromExports: true } });
    if (changed.count === 0) return false;
    await audit(
      tx,
      null,
      "labeler.gold_excluded",
      { type: "user", id: labelerId },
      {
        projectId,
        project: project.name,
        email: g.email,
        accuracy: g.accuracy,
        low: g.low,
        high: g.high,
        pairs: g.pairs,
        tasks: g.tasks,
        threshold: project.goldMinAccuracy,
      },
    );
    return true;
  });
}

/** The automatic exclusions a project's gold threshold made, newest first, for the quality page. */
export async function goldExclusions(db: Db, projectId: string) {
  const rows = await db.auditLog.findMany({
    where: { action: "labeler.gold_excluded", detail: { path: ["projectId"], equals: projectId } },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return rows.map((r) => ({
    at: r.createdAt,
    userId: r.targetId,
    ...(r.detail as { email: string; accuracy: number; high: number; threshold: number; tasks: number }),
  }));
}
