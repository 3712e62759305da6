// Sample generations: a tiny SFT run trained by a real worker process answers its held-out prompts
// at each evaluation; the answers are stored per step and served by GET /api/v1/runs/{id}/samples
// (a real API token, the real route handler). The answers at the last step are what the finished
// checkpoint says greedily to the same prompt, generated again here with the engine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointTokenizer, evalSamples, loadCheckpoint, runtimeFor } from "../../ml/index";
import { createApiToken } from "../../lib/auth/api-tokens";
import { db } from "../../lib/db";
import { createRun } from "../../lib/runs/create";
import { getRun, getRunSamples } from "../../lib/runs/queries";
import { linePrompt, sftHeldOutPrompts } from "../../lib/worker/sample-prompts";
import type { NewRunRequest } from "../../lib/validation/run";
import { makeUser } from "../helpers/factories";
import { demoProject, spawnWorker, waitFor, writeDemonstrations, type SpawnedWorker } from "./helpers";

const storage = fs.mkdtempSync(path.join(os.tmpdir(), "runs-samples-test-"));
process.env.STORAGE_DIR = storage;

describe("held-out prompts of a run's files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sample-prompts-"));
  const file = (name: string, rows: object[]) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    return f;
  };

  it("take a line's prompt up to the last assistant turn, from messages, text or TRL's conversational prompt", () => {
    const sys = { role: "system", content: "Be brief." };
    const user = { role: "user", content: "Hi?" };
    expect(linePrompt({ messages: [sys, user, { role: "assistant", content: "Hello." }] })).toEqual([sys, user]);
    expect(linePrompt({ prompt: "Why?", chosen: "a", rejected: "b" })).toEqual([{ role: "user", content: "Why?" }]);
    expect(linePrompt({ prompt: [user], completion: [{ role: "assistant", content: "x" }] })).toEqual([user]);
    expect(linePrompt({ messages: [{ role: "assistant", content: "only an answer" }] })).toBeNull();
    expect(linePrompt({ text: "no prompt here" })).toBeNull();
  });

  it("for SFT are the validation file's first ones, else the last valFraction of the examples the trainer holds out", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      messages: [
        { role: "user", content: `q${i}` },
        { role: "assistant", content: `a${i}` },
      ],
    }));
    const data = file("train.jsonl", rows);
    const val = file("val.jsonl", rows.slice(0, 5));
    const texts = (ps: { content: string }[][]) => ps.map((p) => p[0].content);
    expect(texts(sftHeldOutPrompts([data], [val], 0.05))).toEqual(["q0", "q1", "q2"]);
    // 40 × 0.05 = 2 held out: q38, q39 (the trainer's validation split), no more
    expect(texts(sftHeldOutPrompts([data], [], 0.05))).toEqual(["q38", "q39"]);
    expect(texts(sftHeldOutPrompts([data], [], 0.25))).toEqual(["q30", "q31", "q32"]);
  });
});

const researcher = await makeUser("researcher");
const project = await demoProject();
let worker: SpawnedWorker | undefined;

beforeAll(async () => {
  await writeDemonstrations(project.id, await makeUser("labeler"));
});
afterAll(async () => {
  await worker?.stop();
});

const tiny = (req: Omit<NewRunRequest, "projectId" | "modelSize">) => createRun(researcher, { ...req, projectId: project.id, modelSize: "tiny" });
const finished = (id: string) =>
  waitFor(
    `run ${id} to finish`,
    async () => {
      const r = await getRun(id);
      return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
    },
    240_000,
  );

describe("a tiny SFT run", { timeout: 400_000 }, () => {
  it("answers its held-out prompts at each evaluation, stored per step and served by the API", async () => {
    worker = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: project.id });
    const pre = await tiny({ kind: "pretrain", name: "samples base", config: { steps: 6, batchSize: 2, evalEvery: 0 } });
    const p = await finished(pre.id);
    expect(p.error ?? "", worker.output()).toBe("");
    // a pretraining run answers no prompts
    expect(await getRunSamples(pre.id)).toEqual({ steps: [], step: null, samples: [] });

    const sft = await tiny({
      kind: "sft",
      name: "samples sft",
      baseId: p.artifacts[0].id,
      config: { steps: 10, batchSize: 2, evalEvery: 4 },
      dataset: { projectLabelsNow: true },
    });
    const s = await finished(sft.id);
    expect(s.error ?? "", worker.output()).toBe("");
    expect(s.status).toBe("succeeded");

    // the prompts: the export's validation lines, or without them the examples the trainer holds out
    // (the last valFraction of the SFT lines)
    const read = (name: string) => {
      const f = path.join(storage, "runs", sft.id, "data", name);
      if (!fs.existsSync(f)) return [];
      return fs
        .readFileSync(f, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === "user")!.content);
    };
    const val = read("sft-validation.jsonl");
    const train = read("sft-train.jsonl");
    const valFraction = (s.config as { valFraction: number }).valFraction;
    const nVal = Math.max(1, Math.floor(train.length * valFraction));
    const expectedPrompts = [...new Set(val.length ? val : train.slice(train.length - nVal))].slice(0, 3);
    expect(expectedPrompts.length).toBeGreaterThan(0);

    // evaluations at steps 4, 8 and the last (10)
    const latest = await getRunSamples(sft.id);
    expect(latest.steps).toEqual([4, 8, 10]);
    expect(latest.step).toBe(10);
    expect(latest.samples.map((x) => x.prompt)).toEqual(expectedPrompts);
    for (const x of latest.samples) {
      expect(x.tokens).toBeGreaterThan(0);
      expect(x.tokens).toBeLessThanOrEqual(32);
    }
    expect(s.logTail).toMatch(/step 4: answers to \d held-out prompt\(s\) stored/);

    // the last step's answers are the finished checkpoint's greedy answers
    const art = await db.modelArtifact.findFirstOrThrow({ where: { runId: sft.id } });
    const ck = loadCheckpoint(art.path);
    const again = await evalSamples(
      ck.config,
      ck.params,
      checkpointTokenizer(art.path, ck.tokenizer),
      {
        prompts: expectedPrompts.map((content) => [{ role: "user", content }]),
        maxNewTokens: 32,
        temperature: 0,
        seed: 0,
      },
      { runtime: runtimeFor("cpu", s.threads ?? 1) },
    ); // the worker's thread count: the same sums, the same argmax
    expect(latest.samples.map(({ output, tokens, finished }) => ({ output, tokens, finished }))).toEqual(
      again.map(({ output, tokens, finished }) => ({ output: output.split("\u0000").join(""), tokens, finished })),
    ); // NUL cannot be stored

    // the API: every step, the latest answers by default, one step by ?step=, an unknown step is 404
    const route = await import("../../app/api/v1/runs/[id]/samples/route");
    const { token } = await createApiToken(db, researcher, { name: "samples", scopes: ["runs:read"] });
    const get = (query: string) =>
      route.GET(new NextRequest(`http://localhost/api/v1/runs/${sft.id}/samples${query}`, { headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ id: sft.id }),
      });
    const res = await get("");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(latest);
    const at4 = await get("?step=4");
    expect(at4.status).toBe(200);
    const body4 = (await at4.json()) as typeof latest;
    expect(body4.step).toBe(4);
    expect(body4.samples.map((x) => x.prompt)).toEqual(expectedPrompts);
    expect((await get("?step=5")).status).toBe(404);
    expect((await get("?step=-1")).status).toBe(400);
  });
});
