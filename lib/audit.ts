// The audit log: who did what to which record. Written inside the transaction that did it, read
// newest first with the actor's email (the admin's audit page).
import "server-only";
import type { Db, Tx } from "./db";

/** Records who did what to which record. Call inside the transaction that did it. */
export async function audit(
  db: Db | Tx,
  actorId: string | null,
  action: string,
  target: { type?: string; id?: string } = {},
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.auditLog.create({
    data: { actorId, action, targetType: target.type ?? "", targetId: target.id ?? "", detail: detail as object },
  });
}

export type AuditRow = { id: string; at: Date; actor: string; action: string; target: string; detail: unknown };

/** The log newest first (`before`: an id to page on; `action`: actions starting with this). */
export async function listAuditLog(db: Db, opts: { take?: number; before?: bigint; action?: string } = {}): Promise<AuditRow[]> {
  const rows = await db.auditLog.findMany({
    where: { id: opts.before ? { lt: opts.before } : undefined, action: opts.action ? { startsWith: opts.action } : undefined },
    orderBy: { id: "desc" },
    take: opts.take ?? 100,
    include: { actor: { select: { email: true } } },
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.createdAt,
    actor: r.actor?.email ?? "system",
    action: r.action,
    target: r.targetType ? `${r.targetType} ${r.targetId}` : "",
    detail: r.detail,
  }));
}
