// Next-task's PICK (lib/labeling/sql/next-task.ts) is prepared once per connection with its plan
// pinned (PICK_PLAN): the open-task index read in hand-out order and stopped after a window, every
// other row reached through an index. Left to the statistics, the planner reads every open task and
// sorts them when the statistics are missing or stale, and a cached generic plan would keep a plan
// made for a small table. This reads the generic plan the connection caches and checks its shape.
import { describe, expect, it } from "vitest";
import { sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { PICK_ANY_PROJECT, PICK_IN_PROJECT, PICK_PLAN } from "../../lib/labeling/sql/next-task";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();

type PlanNode = { "Node Type": string; "Index Name"?: string; "Subplan Name"?: string; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** The generic plan of `text`, as a connection caches it after PICK_PLAN: every node, flattened. */
async function genericPlan(text: string, args: string, pinned: boolean): Promise<PlanNode[]> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    if (pinned) await c.query(PICK_PLAN.text);
    else await c.query("SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)");
    await c.query(`PREPARE pick_plan_test(uuid, uuid, text, uuid[], int, boolean, float8) AS ${text}`);
    const { rows } = await c.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) EXECUTE pick_plan_test(${args})`);
    return nodes(rows[0]!["QUERY PLAN"][0].Plan);
  } finally {
    await c.query("ROLLBACK");
    await c.query("DEALLOCATE pick_plan_test"); // a prepared statement outlives the transaction
    c.release();
  }
}

describe("next-task's PICK plan", () => {
  it.each([
    ["one project", PICK_IN_PROJECT, "Task_queue_order_idx"],
    ["every project", PICK_ANY_PROJECT, "Task_queue_order_any_idx"],
  ] as const)("reads the open-task index in hand-out order, with no scan of a whole table (%s)", async (_, pick, index) => {
    const { project } = await makeProject({ rankingTasks: 300, rankingsPerTask: 1 });
    const users = await Promise.all(Array.from({ length: 20 }, () => makeUser()));
    for (const u of users) expect(await nextTask(pool, u, { projectId: project.id })).not.toBeNull();
    const u = users[0]!;
    const args = `'${u.id}', ${pick === PICK_IN_PROJECT ? `'${project.id}'` : "NULL"}, NULL, '{}', 0, false, 0.5`;
    const plan = await genericPlan(pick.text, args, true);
    const types = plan.map((n) => n["Node Type"]);
    expect(plan.some((n) => n["Node Type"] === "Index Scan" && n["Index Name"] === index)).toBe(true);
    expect(types).not.toContain("Seq Scan");
    expect(types).not.toContain("Bitmap Heap Scan");
    expect(types).not.toContain("Hash Join");
    // Only the window of 64 (candidate) and the labeler's own leases (own) are sorted; open is not.
    expect(types.filter((t) => t === "Sort").length).toBeLessThanOrEqual(2);
    // Unpinned, the same connection's generic plan is another (here: a whole-table read somewhere).
    const unpinned = (await genericPlan(pick.text, args, false)).map((n) => n["Node Type"]);
    expect(unpinned.some((t) => t === "Seq Scan" || t === "Bitmap Heap Scan" || t === "Hash Join")).toBe(true);
  });
});
