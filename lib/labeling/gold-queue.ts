// Gold tasks in the queue: when "next task" has picked a ranking task, one hand-out in the project's
// `goldEvery` (at random, so the gold ones cannot be told by their place in the sequence) becomes a
// gold task of the same project that this labeler never held. When none is left, the picked task
// is handed out as usual.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { toPayload, type PayloadRow, type TaskPayload } from "./payload";
import { GOLD_LEASE, GOLD_PICK } from "./sql/gold";
import { run, type SqlClient } from "./sql/transaction";

/** The task the queue picked, as PICK returns it (./sql/next-task.ts): its kind, project and the project's gold rate. */
export type PickedTask = { kind: string; projectId: string; goldEvery: number };

/** The gold hand-out instead of the picked task, or null to hand out the picked task. `random` is for tests. */
export async function maybeGold(c: SqlClient, user: SessionUser, picked: PickedTask, random: () => number = Math.random): Promise<TaskPayload | null> {
  if (picked.kind !== "ranking" || picked.goldEvery <= 0) return null;
  if (random() >= 1 / picked.goldEvery) return null;
  const [gold] = await run<{ id: string }>(c, GOLD_PICK, [user.id, picked.projectId]);
  if (!gold) return null;
  const [row] = await run<PayloadRow>(c, GOLD_LEASE, [gold.id, user.id]);
  return row ? toPayload(row) : null;
}
