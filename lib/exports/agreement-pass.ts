// Per-task agreement inside the export's snapshot: rankings stream grouped by task, each task's
// pairwise agreement comes from lib/quality, and (with a minimum) the ids of tasks that reach it go
// into a temporary table the export query joins. The totals over the kept tasks go on the card.
import type pg from "pg";
import { projectAgreement, type LabeledRanking } from "../quality/agreement";
import type { Tiers } from "../ranking/tiers";
import type { CreateExportInput } from "../validation/export";
import { cursorBatches } from "./cursor";
import { agreementQuery } from "./queries";

export type AgreementTotals = { rate: number | null; agreements: number; sharedPairs: number; labelerPairs: number; tasksKept: number; tasksDropped: number };

export const AGREED_TASKS = "pg_temp.export_agreed_tasks";

export async function agreementPass(client: pg.ClientBase, f: CreateExportInput): Promise<AgreementTotals> {
  const min = f.minAgreement;
  if (min !== undefined) await client.query(`CREATE TEMP TABLE export_agreed_tasks (id uuid PRIMARY KEY) ON COMMIT DROP`);
  const t: AgreementTotals = { rate: null, agreements: 0, sharedPairs: 0, labelerPairs: 0, tasksKept: 0, tasksDropped: 0 };
  let kept: string[] = [];
  const flush = async () => {
    if (kept.length) await client.query(`INSERT INTO ${AGREED_TASKS} SELECT unnest($1::uuid[])`, [kept]);
    kept = [];
  };
  let group: LabeledRanking[] = [];
  const finishTask = () => {
    const first = group[0];
    if (first === undefined) return;
    const pa = projectAgreement(group);
    const keep = min === undefined || (pa.rate !== null && pa.rate >= min);
    if (keep) {
      t.tasksKept++;
      t.agreements += pa.agreements;
      t.sharedPairs += pa.sharedPairs;
      t.labelerPairs += pa.labelerPairs;
      if (min !== undefined) kept.push(first.taskId);
    } else t.tasksDropped++;
    group = [];
  };
  type Row = { taskId: string; labelerId: string; tiers: string };
  for await (const batch of cursorBatches<Row>(client, agreementQuery(f))) {
    for (const r of batch) {
      if (group.length && group[0]?.taskId !== r.taskId) finishTask();
      group.push({ taskId: r.taskId, labelerId: r.labelerId, tiers: JSON.parse(r.tiers) as Tiers });
    }
    if (kept.length >= 5000) await flush();
  }
  finishTask();
  await flush();
  t.rate = t.sharedPairs > 0 ? t.agreements / t.sharedPairs : null;
  return t;
}
