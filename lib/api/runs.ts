// The training-run operations, one handler each, served by /api/runs… (the app, session) and
// /api/v1/runs… (tokens with runs:read / runs:write).
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { operation } from "../http/handler";
import { assertRunAccess, projectsWhere } from "../membership/access";
import { cancelRun, resumeRun } from "../runs/control";
import { createRun } from "../runs/create";
import { metricsCsvResponse, metricsTensorboardResponse } from "../runs/metrics-download";
import { getRun, getRunMetrics, getRunSamples, listRuns } from "../runs/queries";
import { idParams } from "../validation/id";
import { listRunsQuerySchema, metricsQuerySchema, newRunSchema, samplesQuerySchema } from "../validation/run";
import { metricPoint, runDetail, runSamples, runStatus, runSummary } from "./schemas";

export const listRunsOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    query: listRunsQuerySchema,
    doc: { operationId: "listRuns", summary: "List training runs, newest first", tags: ["runs"], response: z.object({ runs: z.array(runSummary) }) },
  },
  async ({ query, user }) => ({ runs: await listRuns({ ...query, projects: await projectsWhere(db, user, "runs.read") }) }),
);

export const createRunOp = operation(
  {
    permission: "runs.create",
    scope: "runs:write",
    body: newRunSchema,
    doc: {
      operationId: "createRun",
      summary: "Queue a training run (its hyperparameters are checked against the kind's table; left-out fields take the defaults)",
      tags: ["runs"],
      status: 201,
      response: z.object({ run: z.object({ id: z.guid() }) }),
      errors: [404, 409, 422],
    },
  },
  async ({ user, body }) => Response.json({ run: await createRun(user, body) }, { status: 201 }),
);

export const getRunOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    params: idParams,
    doc: {
      operationId: "getRun",
      summary: "One run: config, progress, ETA, checkpoints, error and log tail",
      tags: ["runs"],
      response: z.object({ run: runDetail }),
    },
  },
  async ({ params, user }) => {
    await assertRunAccess(db, user, params.id, "runs.read");
    return { run: await getRun(params.id) };
  },
);

export const runMetricsOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    params: idParams,
    query: metricsQuerySchema,
    doc: {
      operationId: "runMetrics",
      summary: "A run's metrics, oldest first; ?after=<metric id> returns only the points stored after it (poll with the last one)",
      tags: ["runs"],
      response: z.object({ metrics: z.array(metricPoint) }),
    },
  },
  async ({ params, query, user }) => {
    await assertRunAccess(db, user, params.id, "runs.read");
    return { metrics: await getRunMetrics(params.id, { afterId: query.after }) };
  },
);

export const runMetricsCsvOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    params: idParams,
    doc: {
      operationId: "runMetricsCsv",
      summary: "Every metric point of a run as CSV (step,metric,value,time), oldest first, as an attachment",
      tags: ["runs"],
      responseContent: { "text/csv": { schema: { type: "string" } } },
    },
  },
  async ({ params, user }) => {
    await assertRunAccess(db, user, params.id, "runs.read");
    return metricsCsvResponse(params.id);
  },
);

export const runMetricsTensorboardOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    params: idParams,
    doc: {
      operationId: "runMetricsTensorboard",
      summary: "Every metric point of a run as a TensorBoard event file (events.out.tfevents.*: put it in a folder, run tensorboard --logdir on it)",
      tags: ["runs"],
      responseContent: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
  },
  async ({ params, user }) => {
    await assertRunAccess(db, user, params.id, "runs.read");
    return metricsTensorboardResponse(params.id);
  },
);

export const runSamplesOp = operation(
  {
    permission: "runs.read",
    scope: "runs:read",
    params: idParams,
    query: samplesQuerySchema,
    doc: {
      operationId: "runSamples",
      summary:
        "What the model answered to the run's fixed held-out prompts at an evaluation (SFT, DPO; PPO at each checkpoint): the steps that have answers, and the answers at ?step= (default: the latest)",
      tags: ["runs"],
      response: runSamples,
    },
  },
  async ({ params, query, user }) => {
    await assertRunAccess(db, user, params.id, "runs.read");
    return getRunSamples(params.id, { step: query.step });
  },
);

export const cancelRunOp = operation(
  {
    permission: "runs.create",
    scope: "runs:write",
    body: "none",
    params: idParams,
    doc: {
      operationId: "cancelRun",
      summary: "Cancel a queued or running run (a running one stops at its next step)",
      tags: ["runs"],
      response: runStatus,
      errors: [409],
    },
  },
  async ({ user, params }) => {
    await assertRunAccess(db, user, params.id, "runs.create");
    return cancelRun(user, params.id);
  },
);

export const resumeRunOp = operation(
  {
    permission: "runs.create",
    scope: "runs:write",
    body: "none",
    params: idParams,
    doc: {
      operationId: "resumeRun",
      summary: "Queue a failed or cancelled run again, from its last checkpoint",
      tags: ["runs"],
      response: runStatus,
      errors: [409],
    },
  },
  async ({ user, params }) => {
    await assertRunAccess(db, user, params.id, "runs.create");
    return resumeRun(user, params.id);
  },
);
