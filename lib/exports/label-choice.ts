// The export's choice of labels (validation/export.ts EXPORT_LABEL_CHOICES), inside the export's
// snapshot transaction. For "consensus" and "reviewed" a temporary table holds, per ranking task
// that has at least one label passing the filters, the ONE ranking exported instead of its labels:
//   reviewed   tasks a reviewer overrode: the reviewer's tiers (source "reviewed");
//   consensus  every such task: the override where there is one, else the Borda consensus
//              (lib/quality/consensus.ts) of its labels that pass the filters (source "consensus").
// The export queries then leave those tasks' labels out and stream one row per chosen task.
import type pg from "pg";
import { consensusRanking, type TaskRanking } from "../quality/consensus";
import type { Tiers } from "../ranking/tiers";
import type { CreateExportInput } from "../validation/export";
import { cursorBatches } from "./cursor";
import { eligibleRankingsQuery } from "./queries";

export const CHOSEN_TASKS = "pg_temp.export_chosen";

export async function labelChoicePass(client: pg.ClientBase, f: CreateExportInput, agreedTasks: string | null): Promise<number> {
  await client.query(`CREATE TEMP TABLE export_chosen (task_id uuid PRIMARY KEY, tiers jsonb NOT NULL, source text NOT NULL) ON COMMIT DROP`);
  const eligible = eligibleRankingsQuery(f, agreedTasks);
  if (f.labels === "reviewed") {
    const r = await client.query(
      `INSERT INTO ${CHOSEN_TASKS}
       SELECT rv."taskId", rv.tiers, 'reviewed' FROM "TaskReview" rv
        WHERE rv.decision = 'override' AND rv.tiers IS NOT NULL
          AND rv."taskId" IN (SELECT "taskId" FROM (${eligible.text}) e)`,
      eligible.values,
    );
    return r.rowCount ?? 0;
  }
  const overrides = new Map(
    (
      await client.query<{ taskId: string; tiers: Tiers }>(`SELECT "taskId", tiers FROM "TaskReview" WHERE decision = 'override' AND tiers IS NOT NULL`)
    ).rows.map((r) => [r.taskId, r.tiers]),
  );
  let rows: [string, string, string][] = [];
  let n = 0;
  const flush = async () => {
    if (rows.length)
      await client.query(`INSERT INTO ${CHOSEN_TASKS} SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::text[])`, [
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => r[2]),
      ]);
    rows = [];
  };
  let group: TaskRanking[] = [];
  let task: string | null = null;
  const finish = () => {
    if (task === null || group.length === 0) return;
    const o = overrides.get(task);
    rows.push(o ? [task, JSON.stringify(o), "reviewed"] : [task, JSON.stringify(consensusRanking(group).tiers), "consensus"]);
    n++;
    group = [];
  };
  for await (const batch of cursorBatches<{ taskId: string; labelerId: string; tiers: string }>(client, eligible)) {
    for (const r of batch) {
      if (r.taskId !== task) {
        finish();
        task = r.taskId;
      }
      group.push({ labelerId: r.labelerId, tiers: JSON.parse(r.tiers) as Tiers });
    }
    if (rows.length >= 5000) await flush();
  }
  finish();
  await flush();
  return n;
}
