// Reading runs: the list, one run with everything its page shows, and its metrics incrementally
// (ids are increasing, so a page polls with ?after=<last id> and gets only what is new).
import "server-only";
import { db } from "../db";
import { notFound } from "../errors";
import { runsInProjects } from "../membership/access";
import { isId } from "../validation/id";

const artifactSelect = { id: true, kind: true, name: true, createdAt: true } as const;

const summarySelect = {
  id: true,
  kind: true,
  status: true,
  name: true,
  projectId: true,
  project: { select: { name: true } },
  exportId: true,
  baseId: true,
  base: { select: artifactSelect },
  artifacts: { select: artifactSelect, orderBy: { createdAt: "asc" } },
  createdBy: { select: { id: true, email: true, name: true } },
  progress: true,
  etaSec: true,
  error: true,
  cancelRequested: true,
  resume: true,
  attempt: true,
  threads: true,
  workerId: true,
  workerHost: true,
  workerPid: true,
  heartbeatAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** `projects`: only runs of these projects (membership: lib/membership/access.ts projectsWhere); null or left out: all. */
export async function listRuns(opts: { limit?: number; projectId?: string; projects?: string[] | null } = {}) {
  const runs = await db.trainingRun.findMany({
    where: { AND: [runsInProjects(opts.projects ?? null), opts.projectId ? { projectId: opts.projectId } : {}] },
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 100,
    select: summarySelect,
  });
  return runs.map(view);
}

function view<R extends { workerId: string | null; workerHost: string | null; workerPid: number | null; project: { name: string } | null }>(r: R) {
  const { workerId, workerHost, workerPid, project, ...rest } = r;
  return { ...rest, projectName: project?.name ?? null, worker: workerId ? { id: workerId, host: workerHost, pid: workerPid } : null };
}

/** One run: base and produced artifacts, worker, config, threads, progress, ETA, error and log tail. */
export async function getRun(id: string) {
  const r = isId(id)
    ? await db.trainingRun.findUnique({
        where: { id },
        select: { ...summarySelect, config: true, logTail: true, export: { select: { id: true, kind: true, rowCount: true, createdAt: true } } },
      })
    : null;
  if (!r) throw notFound("The run");
  return view(r);
}

export type RunDetail = Awaited<ReturnType<typeof getRun>>;
export type RunMetricPoint = { id: string; step: number; name: string; value: number };

/** Metrics after `afterId` (a RunMetric id as a decimal string), oldest first, at most `limit`. */
export async function getRunMetrics(runId: string, opts: { afterId?: string; limit?: number } = {}): Promise<RunMetricPoint[]> {
  if (!isId(runId)) throw notFound("The run");
  const rows = await db.runMetric.findMany({
    where: { runId, ...(opts.afterId ? { id: { gt: BigInt(opts.afterId) } } : {}) },
    orderBy: { id: "asc" },
    take: opts.limit ?? 10_000,
    select: { id: true, step: true, name: true, value: true },
  });
  if (rows.length === 0 && !opts.afterId && !(await db.trainingRun.count({ where: { id: runId } }))) throw notFound("The run");
  return rows.map((m) => ({ id: m.id.toString(), step: m.step, name: m.name, value: m.value }));
}

type RunSampleView = { index: number; prompt: string; output: string; tokens: number; finished: boolean };
export type RunSamples = { steps: number[]; step: number | null; samples: RunSampleView[] };

/**
 * The run's sample generations: every step that has some, and the answers at `step` (default: the
 * latest), in the order of the run's fixed held-out prompts.
 */
export async function getRunSamples(runId: string, opts: { step?: number } = {}): Promise<RunSamples> {
  if (!isId(runId) || !(await db.trainingRun.count({ where: { id: runId } }))) throw notFound("The run");
  const steps = (await db.runSample.findMany({ where: { runId }, distinct: ["step"], orderBy: { step: "asc" }, select: { step: true } })).map((r) => r.step);
  const step = opts.step ?? steps.at(-1) ?? null;
  if (step === null) return { steps, step, samples: [] };
  if (!steps.includes(step)) throw notFound(`Samples at step ${step}`);
  const samples = await db.runSample.findMany({
    where: { runId, step },
    orderBy: { index: "asc" },
    select: { index: true, prompt: true, output: true, tokens: true, finished: true },
  });
  return { steps, step, samples };
}
