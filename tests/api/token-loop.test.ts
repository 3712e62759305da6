// A researcher's script, with an API token and no browser session, drives the loop through /api/v1
// only (the route handlers, the test database and a real worker process): list projects, import
// prompts, make and download an export, queue a run, find it in the list, read it, watch its metrics
// arrive (polling with ?after=), cancel it, resume it, and read, download and promote a finished run's checkpoint.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { db } from "../../lib/db";
import type { RouteHandler } from "../../lib/http/handler";
import { makeUser } from "../helpers/factories";
import { demoProject, spawnWorker, waitFor, writeDemonstrations, type SpawnedWorker } from "../runs/helpers";

// No session, ever: every call below is authenticated by the token alone.
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => null }));

const storage = fs.mkdtempSync(path.join(os.tmpdir(), "token-loop-"));
process.env.STORAGE_DIR = storage;

const { V1_ROUTES } = await import("../../app/api/v1/openapi.json/document");

/** Finds the /api/v1 route module for a concrete path, as Next's router would. */
function resolve(method: string, urlPath: string): { handler: RouteHandler; params: Record<string, string> } {
  const pathname = urlPath.split("?")[0];
  for (const [pattern, mod] of Object.entries(V1_ROUTES)) {
    const names: string[] = [];
    const re = new RegExp("^" + pattern.replace(/\[(\w+)\]/g, (_, n: string) => (names.push(n), "([^/]+)")) + "$");
    const m = pathname.match(re);
    const handler = mod[method as "GET"];
    if (m && handler) return { handler, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  throw new Error(`no /api/v1 route for ${method} ${pathname}`);
}

let token = "";
async function api(method: string, urlPath: string, body?: { json?: unknown; raw?: string; type?: string }) {
  const { handler, params } = resolve(method, urlPath);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body?.raw !== undefined) {
    headers["content-type"] = body.type ?? "application/octet-stream";
    payload = body.raw;
  }
  return handler(new NextRequest(`http://localhost:3000${urlPath}`, { method, headers, body: payload }), { params: Promise.resolve(params) });
}

async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

let worker: SpawnedWorker | undefined;
afterAll(async () => {
  await worker?.stop();
});

describe("the whole loop through /api/v1 with a token only", { timeout: 300_000 }, () => {
  it("imports, exports, queues a run, lists, reads, watches metrics, cancels, resumes, and promotes a checkpoint", async () => {
    const researcher = await makeUser("researcher");
    const project = await demoProject();
    await writeDemonstrations(project.id, await makeUser("labeler"));
    token = (
      await createApiToken(db, researcher, {
        name: "loop",
        scopes: ["projects:read", "imports:write", "exports:read", "exports:write", "runs:read", "runs:write", "models:read", "models:write"],
      })
    ).token;

    // projects, then an import into one
    const { projects } = await json<{ projects: { id: string }[] }>(await api("GET", "/api/v1/projects"));
    expect(projects.map((p) => p.id)).toContain(project.id);
    const lines = [`{"prompt": "Name three rivers ${crypto.randomUUID()}"}`, `{"prompt": "Explain tides ${crypto.randomUUID()}"}`].join("\n") + "\n";
    const imported = await json<{ import: { created: number } }>(
      await api("POST", `/api/v1/projects/${project.id}/imports?kind=prompts&format=jsonl`, { raw: lines, type: "application/x-ndjson" }),
    );
    expect(imported.import.created).toBe(2);

    // an export, and its file by the sha256 the API gives
    const made = await json<{ export: { id: string; files: { name: string; sha256: string }[] } }>(
      await api("POST", "/api/v1/exports", { json: { kind: "sft", projectId: project.id } }),
    );
    const listed = await json<{ exports: { id: string }[] }>(await api("GET", `/api/v1/exports?projectId=${project.id}`));
    expect(listed.exports.map((e) => e.id)).toEqual([made.export.id]);
    const file = made.export.files.find((f) => f.name.endsWith(".jsonl"))!;
    const download = await api("GET", `/api/v1/exports/${made.export.id}/files/${file.name}`);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);

    // create → list → get
    const created = await json<{ run: { id: string } }>(
      await api("POST", "/api/v1/runs", {
        json: {
          kind: "pretrain",
          name: "loop base",
          projectId: project.id,
          modelSize: "tiny",
          config: { steps: 5000, batchSize: 2, evalEvery: 1000, saveEvery: 5 },
        },
      }),
      201,
    );
    const runId = created.run.id;
    const { runs } = await json<{ runs: { id: string; status: string }[] }>(await api("GET", `/api/v1/runs?projectId=${project.id}`));
    expect(runs.find((r) => r.id === runId)?.status).toBe("queued");
    const one = await json<{ run: { id: string; kind: string; config: Record<string, unknown> } }>(await api("GET", `/api/v1/runs/${runId}`));
    expect(one.run).toMatchObject({ id: runId, kind: "pretrain", config: { steps: 5000, modelSize: "tiny" } });

    // a worker picks it up; the script watches the metrics arrive, asking only for what is new
    worker = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: project.id });
    type Point = { id: string; step: number; name: string; value: number };
    const first = await waitFor(
      "the first saved checkpoint's metrics",
      async () => {
        const { metrics } = await json<{ metrics: Point[] }>(await api("GET", `/api/v1/runs/${runId}/metrics`));
        return metrics.filter((m) => m.name === "loss").length >= 6 ? metrics : undefined;
      },
      180_000,
      500,
    );
    expect(first.every((m) => Number.isFinite(m.value))).toBe(true);
    const last = first[first.length - 1].id;
    const { metrics: after } = await json<{ metrics: Point[] }>(await api("GET", `/api/v1/runs/${runId}/metrics?after=${last}`));
    expect(after.every((m) => BigInt(m.id) > BigInt(last))).toBe(true);

    // cancel; the run stops
    const cancelled = await json<{ status: string }>(await api("POST", `/api/v1/runs/${runId}/cancel`));
    expect(["running", "canceled"]).toContain(cancelled.status);
    await waitFor(
      "the run to stop",
      async () => {
        const { run } = await json<{ run: { status: string } }>(await api("GET", `/api/v1/runs/${runId}`));
        return run.status === "canceled" ? run : undefined;
      },
      60_000,
      300,
    );
    expect(await api("POST", `/api/v1/runs/${runId}/cancel`).then((r) => r.status)).toBe(409);

    // resume puts it back in the queue (from its last checkpoint); cancelled again while queued, it stops at once
    expect(await json<{ status: string }>(await api("POST", `/api/v1/runs/${runId}/resume`))).toEqual({ status: "queued" });
    const again = await json<{ status: string }>(await api("POST", `/api/v1/runs/${runId}/cancel`));
    expect(["canceled", "running"]).toContain(again.status);

    // a short run finishes with a checkpoint: in the model list, readable, promotable as the project's generator
    const short = await json<{ run: { id: string } }>(
      await api("POST", "/api/v1/runs", {
        json: { kind: "pretrain", name: "loop short", projectId: project.id, modelSize: "tiny", config: { steps: 6, batchSize: 2, evalEvery: 6 } },
      }),
      201,
    );
    const done = await waitFor(
      "the short run to finish",
      async () => {
        const { run } = await json<{ run: { status: string; artifacts: { id: string; kind: string }[] } }>(await api("GET", `/api/v1/runs/${short.run.id}`));
        return ["succeeded", "failed", "canceled"].includes(run.status) ? run : undefined;
      },
      180_000,
      500,
    );
    expect(done.status, worker.output()).toBe("succeeded");
    const [kept] = done.artifacts;
    expect(kept).toMatchObject({ kind: "base" });
    const { models } = await json<{ models: { id: string }[] }>(await api("GET", "/api/v1/models"));
    expect(models.map((m) => m.id)).toContain(kept.id);
    const detail = await json<{ model: { id: string }; files: { name: string }[] }>(await api("GET", `/api/v1/models/${kept.id}`));
    expect(detail.files.map((f) => f.name)).toContain("config.json");
    const config = await api("GET", `/api/v1/models/${kept.id}/files/config.json`);
    expect(config.status).toBe(200);
    expect(JSON.parse(await config.text())).toHaveProperty("n_embd");
    const promoted = await json<{ project: { id: string } }>(await api("PUT", `/api/v1/projects/${project.id}/generator`, { json: { artifactId: kept.id } }));
    expect(promoted.project.id).toBe(project.id);

    // the token's scopes bound it: no quality:read, so the quality report is refused
    expect((await api("GET", `/api/v1/projects/${project.id}/quality`)).status).toBe(403);
  });
});
