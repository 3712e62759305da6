// The heavy half of an export: inside ONE repeatable-read transaction on its own connection (labelers
// may keep submitting: the files and counts describe one moment), the agreement pass (or, for the
// reward-model pairs, its tally from the streamed rows), then the export query streamed through a
// server-side cursor into per-split JSONL and Parquet files. It runs in a child
// process of its own (./stream-process.ts), never on the web server's event loop; it reads no
// environment and no server secret: everything it needs comes in the job.
import pg from "pg";
import { rankedExport } from "../labeling/task-kinds";
import type { CreateExportInput } from "../validation/export";
import type { LabeledRanking } from "../quality/agreement";
import type { Tiers } from "../ranking/tiers";
import { AGREED_TASKS, agreementFromStream, agreementPass, AgreementTally, type AgreementTotals } from "./agreement-pass";
import { cursorBatches } from "./cursor";
import { CHOSEN_TASKS, labelChoicePass } from "./label-choice";
import { layoutOf } from "./layouts";
import { LINE_BUILDERS, parsePrompt, type ExportRow, type LineContext, type PromptColumns } from "./lines";
import { ParquetSplitFiles, type ParquetFile, type ParquetOptions } from "./parquet-files";
import { parquetConverters, parquetSchema } from "./parquet-schema";
import { pseudonymizer } from "./pseudonym";
import { comparisonsQuery, demonstrationsQuery, promptsQuery, rankingsQuery, type Query } from "./queries";
import type { ExportPrompt } from "./rows";
import { splitOf, type Split } from "./split";
import { JsonLine } from "./json-line";
import { SplitFiles, type ExportFile } from "./split-files";

type SplitCount = { rows: number; prompts: number };

export type StreamJob = {
  connectionString: string;
  filters: CreateExportInput;
  /** The export's (temporary) folder: the split files are written there. */
  dir: string;
  /** The export's pseudonym secret (snapshot.ts exportSecret). */
  secret: string;
  splits: Split[];
  /** Rows per FETCH. */
  batchSize: number;
  /** Row-group and shard sizes of the Parquet files (tests make them small). */
  parquet?: ParquetOptions;
};

export type Streamed = {
  files: (ExportFile & { split: Split; rows: number })[];
  /** data/{split}-0000i-of-0000N.parquet, the same rows as the JSONL files. */
  parquet: ParquetFile[];
  splitCounts: Record<string, SplitCount>;
  rows: number;
  prompts: number;
  labelers: number;
  rankings: number;
  agreement?: AgreementTotals;
  /** Where the child's time went, in seconds (bench:export prints it). */
  phases: StreamPhases;
};

/**
 * The agreement pass (0 when it is tallied from the stream's rows; on a server without a minimum
 * agreement it runs beside the stream, so its seconds overlap stream_s), the label choice, and the
 * stream of rows: its total, the part spent waiting for the database's next batch, and the CPU
 * seconds this process spent meanwhile (user and system).
 */
export type StreamPhases = { agreement_s: number; choice_s: number; stream_s: number; db_wait_s: number; stream_cpu_s: number };

function queryFor(f: CreateExportInput, agreed: string | null, chosen: string | null): Query {
  switch (f.kind) {
    case "rm":
      return comparisonsQuery(f, agreed, chosen);
    case "rankings":
      return rankingsQuery(f, agreed, chosen);
    case "sft":
      return demonstrationsQuery(f);
    case "ppo":
      return promptsQuery(f);
  }
}

/**
 * The planner settings of the export's transaction (SET LOCAL: they end with it). The export query
 * runs two small correlated subqueries per ranking (its answers' texts, its pairs): a plain index
 * scan fetches their 5 and 10 rows faster than the bitmap scan the planner costs lower (1.3× the
 * whole query's rows/s on PostgreSQL 15 at 1,000,000 pairs), and on a server JIT compiles the query
 * for seconds before the first row without gaining anything on index lookups and JSON building.
 */
const EXPORT_SETTINGS = "SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off";

/** Runs the job: the split files are complete (renamed from .tmp) when it resolves. */
export async function streamSnapshot(job: StreamJob): Promise<Streamed> {
  const f = job.filters;
  const client = new pg.Client({ connectionString: job.connectionString });
  let files: SplitFiles | undefined;
  let parquet: ParquetSplitFiles | undefined;
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await client.query(EXPORT_SETTINGS);
    const since = (t: number) => (performance.now() - t) / 1000;
    let t = performance.now();
    let agreement: AgreementTotals | undefined;
    let agreementS = 0;
    // Tallied from the stream's rows where they are its rows; otherwise nothing downstream reads it
    // without a minimum: on a server it then runs beside the stream.
    const tally = agreementFromStream(f) ? new AgreementTally() : null;
    const beside =
      rankedExport(f.kind) && !tally && f.minAgreement === undefined && (await isServer(client)) ? agreementBeside(client, job.connectionString, f) : null;
    beside?.catch(() => {}); // awaited below; a failure then fails the export
    if (rankedExport(f.kind) && !beside && !tally) {
      agreement = await agreementPass(client, f);
      agreementS = since(t);
    }
    files = await SplitFiles.create(job.dir, job.splits);
    const { fields } = layoutOf(f.kind, f.layout, { margin: f.kind === "rm" && f.margin, ties: f.kind === "rm" && f.includeTies });
    const columns = { schema: parquetSchema(fields), names: fields.map((x) => x.name), convert: parquetConverters(fields) };
    parquet = await ParquetSplitFiles.create(job.dir, job.splits, columns, job.parquet);
    const agreed = f.minAgreement !== undefined && agreement ? AGREED_TASKS : null;
    const ranked = rankedExport(f.kind);
    t = performance.now();
    const chosen = ranked && f.labels !== "all" ? (await labelChoicePass(client, f, agreed), CHOSEN_TASKS) : null;
    const choiceS = since(t);
    t = performance.now();
    const cpu = process.cpuUsage();
    const s = await streamRows(client, f, queryFor(f, agreed, chosen), files, parquet, job, tally);
    const streamS = since(t);
    const used = process.cpuUsage(cpu);
    if (beside) ({ totals: agreement, seconds: agreementS } = await beside);
    if (tally) agreement = tally.totals();
    const phases = { agreement_s: agreementS, choice_s: choiceS, stream_s: streamS, db_wait_s: s.dbWaitS, stream_cpu_s: (used.user + used.system) / 1e6 };
    files = undefined;
    parquet = undefined;
    await client.query("COMMIT");
    const { dbWaitS: _, ...streamed } = s;
    return { ...streamed, agreement, phases };
  } catch (e) {
    await files?.abort();
    await parquet?.abort();
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A PostgreSQL server, not the embedded PGlite (one session: a second connection would wait for the export's transaction). */
async function isServer(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ v: string }>("SELECT version() AS v");
  return !/PGlite/i.test(rows[0]?.v ?? "PGlite");
}

/**
 * The agreement pass on a second connection that sees the export's snapshot (pg_export_snapshot:
 * the same moment, so the card's figures describe the exported rows), run while the export's own
 * connection streams: on PostgreSQL 15 at 1,000,000 pairs it took 1.0 of the export's 10.3 s.
 */
async function agreementBeside(client: pg.ClientBase, connectionString: string, f: CreateExportInput): Promise<{ totals: AgreementTotals; seconds: number }> {
  const snapshot = (await client.query<{ s: string }>("SELECT pg_export_snapshot() AS s")).rows[0]?.s ?? "";
  if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`the database gave an unexpected snapshot id "${snapshot}"`);
  return (async () => {
    const other = new pg.Client({ connectionString });
    try {
      await other.connect();
      await other.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await other.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      await other.query(EXPORT_SETTINGS);
      const t = performance.now();
      const totals = await agreementPass(other, f);
      const seconds = (performance.now() - t) / 1000;
      await other.query("COMMIT");
      return { totals, seconds };
    } finally {
      await other.end().catch(() => {});
    }
  })();
}

/** The comparisons query's columns for the agreement tally (queries.ts comparisonsQuery). */
type TallyColumns = { taskId?: string; labelerId?: string; rankingTiers?: string | null; imported?: boolean | null };

/**
 * Streams the export query into the split files. Rows arrive ordered by prompt. With a tally, each
 * labeler's ranking (not an imported one) is added to it; a task's rankings all come within its
 * prompt's rows, so its agreement is taken when the prompt ends.
 */
async function streamRows(
  client: pg.ClientBase,
  f: CreateExportInput,
  q: Query,
  files: SplitFiles,
  parquet: ParquetSplitFiles,
  job: StreamJob,
  tally: AgreementTally | null,
): Promise<Omit<Streamed, "agreement" | "phases"> & { dbWaitS: number }> {
  const build = LINE_BUILDERS[f.kind] as (row: PromptColumns, ctx: LineContext) => ExportRow | ExportRow[] | null;
  const labelers = new Set<string>();
  const counts = Object.fromEntries(job.splits.map((s) => [s, { rows: 0, prompts: 0 }])) as Record<Split, SplitCount>;
  const splitOpts = { validation: f.validation, test: f.test, seed: f.seed };
  let promptId: string | null = null;
  let split: Split = "train";
  let promptCounted = false;
  let lastRanking: string | null = null;
  let rankings = 0;
  let rows = 0;
  const ctx: LineContext = { prompt: null as unknown as ExportPrompt, labeler: pseudonymizer(job.secret), f, texts: null };
  const json = new JsonLine();
  const parts: Buffer[] = [];
  const tasks = new Map<string, LabeledRanking[]>(); // the current prompt's, for the tally
  const endPrompt = () => {
    for (const rankings of tasks.values()) tally?.task(rankings);
    tasks.clear();
  };
  const batches = cursorBatches<PromptColumns & { labelerId?: string; rankingId?: string } & TallyColumns>(client, q, job.batchSize);
  let dbWaitMs = 0;
  try {
    for (;;) {
      const t = performance.now();
      const next = await batches.next();
      dbWaitMs += performance.now() - t;
      if (next.done) break;
      for (const row of next.value) {
        if (row.promptId !== promptId) {
          endPrompt();
          promptId = row.promptId;
          ctx.prompt = parsePrompt(row);
          ctx.texts = null;
          json.reset();
          split = splitOf(row.contentHash, splitOpts);
          promptCounted = false;
        }
        if (tally && row.rankingTiers && row.imported === false && row.taskId && row.labelerId) {
          const ranking = { taskId: row.taskId, labelerId: row.labelerId, tiers: JSON.parse(row.rankingTiers) as Tiers };
          const list = tasks.get(row.taskId);
          if (list) list.push(ranking);
          else tasks.set(row.taskId, [ranking]);
        }
        const out = build(row, ctx);
        if (out === null) continue;
        const lines = Array.isArray(out) ? out : [out];
        if (lines.length === 0) continue;
        if (!promptCounted) {
          counts[split].prompts++;
          promptCounted = true;
        }
        counts[split].rows += lines.length;
        rows += lines.length;
        if (row.labelerId) labelers.add(row.labelerId);
        if (row.rankingId && row.rankingId !== lastRanking) {
          lastRanking = row.rankingId;
          rankings++;
        }
        for (const obj of lines) {
          const bytes = json.parts(obj, parts);
          const pending = files.add(split, parts, bytes);
          if (pending) await pending;
          const written = parquet.add(split, obj as Record<string, unknown>, bytes);
          if (written) await written;
        }
      }
    }
    endPrompt();
  } finally {
    await batches.return(undefined); // closes the cursor when a row fails
  }
  const prompts = job.splits.reduce((n, s) => n + counts[s].prompts, 0);
  return {
    files: await files.finish(),
    parquet: await parquet.finish(),
    splitCounts: counts,
    rows,
    prompts,
    labelers: labelers.size,
    rankings,
    dbWaitS: dbWaitMs / 1000,
  };
}
