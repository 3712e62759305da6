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
