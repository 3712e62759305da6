// Per-task agreement inside the export's snapshot: each task's pairwise agreement comes from
// lib/quality, and the totals over the kept tasks go on the card. Either a pass of its own before
// the stream (agreementPass: rankings streamed grouped by task; with a minimum, the ids of tasks that
// reach it go into a temporary table the export query joins), or, when nothing the stream does
// depends on it, tallied from the stream's own rows on the way (stream.ts).
import type pg from "pg";
import { projectAgreement, type LabeledRanking } from "../quality/agreement";
import type { Tiers } from "../ranking/tiers";
import type { CreateExportInput } from "../validation/export";
import { cursorBatches } from "./cursor";
import { agreementQuery } from "./queries";

export type AgreementTotals = { rate: number | null; agreements: number; sharedPairs: number; labelerPairs: number; tasksKept: number; tasksDropped: number };

export const AGREED_TASKS = "pg_temp.export_agreed_tasks";

/** Sums the agreement of tasks, each given whole; keeps those that reach `min` (all without one). */
export class AgreementTally {
  private readonly t: AgreementTotals = { rate: null, agreements: 0, sharedPairs: 0, labelerPairs: 0, tasksKept: 0, tasksDropped: 0 };
  constructor(private readonly min?: number) {}

  /** One task's rankings (at least one); true when the task is kept. */
  task(rankings: LabeledRanking[]): boolean {
    const pa = projectAgreement(rankings);
    const keep = this.min === undefined || (pa.rate !== null && pa.rate >= this.min);
    if (!keep) {
      this.t.tasksDropped++;
      return false;
    }
    this.t.tasksKept++;
    this.t.agreements += pa.agreements;
    this.t.sharedPairs += pa.sharedPairs;
    this.t.labelerPairs += pa.labelerPairs;
    return true;
  }

  totals(): AgreementTotals {
    return { ...this.t, rate: this.t.sharedPairs > 0 ? this.t.agreements / this.t.sharedPairs : null };
  }
}

/**
 * Whether the stream's rows carry every ranking the agreement counts, so it can be tallied from them:
 * reward-model pairs (one row per ranking, with its tiers; agreementQuery's filters), no minimum
 * (the query would need it first), every label (a label choice needs it first) and imported
 * rankings not alone (the agreement counts the others).
 */
export const agreementFromStream = (f: CreateExportInput) =>
  f.kind === "rm" && f.minAgreement === undefined && f.labels === "all" && f.importedLabels !== "only";

export async function agreementPass(client: pg.ClientBase, f: CreateExportInput): Promise<AgreementTotals> {
  const min = f.minAgreement;
  if (min !== undefined) await client.query(`CREATE TEMP TABLE export_agreed_tasks (id uuid PRIMARY KEY) ON COMMIT DROP`);
  const tally = new AgreementTally(min);
  let kept: string[] = [];
  const flush = async () => {
    if (kept.length) await client.query(`INSERT INTO ${AGREED_TASKS} SELECT unnest($1::uuid[])`, [kept]);
    kept = [];
  };
  let group: LabeledRanking[] = [];
  const finishTask = () => {
    const first = group[0];
    if (first === undefined) return;
    if (tally.task(group) && min !== undefined) kept.push(first.taskId);
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
  return tally.totals();
}
