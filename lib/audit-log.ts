// Reading the audit log: newest first, with the actor's email.
import "server-only";
import type { Db } from "./db";

export async function listAuditLog(db: Db, opts: { take?: number; before?: bigint; action?: string } = {}) {
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
