// Answer generation end to end: a tiny checkpoint trained here is promoted, runGenerate samples K
// answers per prompt that needs a ranking task and creates ranking tasks the queue then hands a
// labeler; checkpoints named together share out the K answers; an OpenAI-compatible endpoint
// answers with the run's secret key; a reward model or a missing generator is refused.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { runGenerate, shareOut, type GenerateContext } from "../../lib/worker/handlers/generate";
import { addGeneratedRankingTask } from "../../lib/generation/tasks";
import { addPrompt, addRankingTask } from "../../lib/labeling/tasks";
import { nextTask, skipTask } from "../../lib/labeling/queue";
import { promoteGenerator } from "../../lib/models/promote";
import { allowEndpointHost } from "../helpers/allow-endpoint";
import { makeUser, uniq } from "../helpers/factories";
import { registerArtifact, trainTinyPolicy } from "./tiny-policy";
import { seedProjectMembers } from "../../lib/membership/members";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gen-test-"));
process.env.STORAGE_DIR = dir;
let policyDir = "";
let policyId = "";
let rewardId = "";

beforeAll(async () => {
  policyDir = await trainTinyPolicy(dir);
  policyId = await registerArtifact("sft", uniq("tiny-sft"), policyDir);
  rewardId = await registerArtifact("reward_model", uniq("tiny-rm"), policyDir, policyId);
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function project(prompts: number, k = 3) {
  const slug = uniq("gen");
  const p = await db.project.create({ data: { slug, name: slug, answersPerTask: k, rankingsPerTask: 1, demonstrationsPerPrompt: 0 } });
  await db.$transaction((tx) => seedProjectMembers(tx, p.id, null, "everyone")); // as a new project takes everyone
  for (let i = 0; i < prompts; i++) await db.$transaction((tx) => addPrompt(tx, p, { messages: [{ role: "user", content: `hi ${i}` }], format: "text" }));
  return p;
}

function context(projectId: string, config: Record<string, unknown>, secrets?: Record<string, string>) {
  const seen = { progress: [] as number[], metrics: [] as Record<string, number>[], log: [] as string[] };
  const ctx: GenerateContext = {
    run: { id: crypto.randomUUID(), config, projectId, secrets },
    signal: new AbortController().signal,
    progress: (f) => seen.progress.push(f),
    metrics: (_, v) => seen.metrics.push(v),
    log: (l) => seen.log.push(l),
  };
  return { ctx, seen };
}

const tasksOf = (projectId: string) =>
  db.task.findMany({
    where: { projectId, kind: "ranking" },
    include: { items: { orderBy: { position: "asc" }, include: { completion: true } } },
    orderBy: { createdAt: "asc" },
  });

describe("runGenerate", () => {
  it("samples K answers from the promoted policy into ranking tasks that the queue hands out", async () => {
    const p = await project(3);
    // a prompt whose ranking task holds imported answers still gets a round from the policy
    const done = await db.$transaction(async (tx) => {
      const pr = await addPrompt(tx, p, { messages: [{ role: "user", content: "already ranked" }], format: "text" });
      return addRankingTask(tx, p, pr.id, [
        { text: "a", source: "import" },
        { text: "b", source: "import" },
      ]);
    });
    const admin = await makeUser("admin");
    await promoteGenerator(db, admin, p.id, { artifactId: policyId });
    const { ctx, seen } = context(p.id, { maxPrompts: 10, maxNewTokens: 12, temperature: 1, topP: 1, seed: 3 });
    const summary = await runGenerate(ctx);
    expect(summary).toMatchObject({ prompts: 4, tasks: 4, duplicates: 0, skipped: 0 });
    const tasks = (await tasksOf(p.id)).filter((t) => t.id !== done.id);
    expect(tasks).toHaveLength(4);
    for (const t of tasks) {
      expect(t.wanted).toBe(1);
      expect(t.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(t.items).toHaveLength(3);
      for (const { completion: c } of t.items) {
        expect(c).toMatchObject({ source: "model", artifactId: policyId, promptId: t.promptId });
        expect(c.sourceName).toMatch(/^tiny-sft-/);
        expect(c.metadata).toMatchObject({ runId: ctx.run.id });
        expect((c.metadata as { tokens: number }).tokens).toBeGreaterThan(0);
        expect((c.metadata as { tokens: number }).tokens).toBeLessThanOrEqual(12);
      }
    }
    expect(seen.progress.at(-1)).toBe(1);
    expect(seen.metrics.at(-1)).toMatchObject({ tasks_created: 4, duplicates: 0 });
    expect(seen.log[0]).toMatch(/^4 prompt\(s\) need answers from these writers/);

    const labeler = await makeUser("labeler");
    const handedOut: string[] = [];
    for (
      let got = await nextTask(sqlPool(), labeler, { projectId: p.id, kind: "ranking" });
      got;
      got = await nextTask(sqlPool(), labeler, { projectId: p.id, kind: "ranking" })
    ) {
      handedOut.push(got.taskId);
      await skipTask(sqlPool(), labeler, { taskId: got.taskId, reason: "next", report: false });
    }
    expect(handedOut.sort()).toEqual([done.id, ...tasks.map((t) => t.id)].sort());

    // a second run of the same generator finds nothing left to do
    const again = await runGenerate(context(p.id, { maxPrompts: 10, maxNewTokens: 4 }).ctx);
    expect(again).toMatchObject({ prompts: 0, tasks: 0 });

    // a newly promoted policy (the next round of the loop) gets its own task for every prompt
    const nextPolicyId = await registerArtifact("ppo", uniq("tiny-ppo"), policyDir, policyId);
    await promoteGenerator(db, admin, p.id, { artifactId: nextPolicyId });
    expect(await runGenerate(context(p.id, { maxPrompts: 10, maxNewTokens: 4 }).ctx)).toMatchObject({ prompts: 4, tasks: 4 });
    const rounds = await tasksOf(p.id);
    expect(rounds).toHaveLength(9);
    expect(rounds.filter((t) => t.items.every((i) => i.completion.artifactId === nextPolicyId))).toHaveLength(4);
  });

  it("shares the K answers of a task among the named checkpoints", async () => {
    const p = await project(2, 3);
    const otherId = await registerArtifact("base", uniq("tiny-base"), policyDir);
    const { ctx } = context(p.id, {
      maxPrompts: 1,
      maxNewTokens: 4,
      request: { source: { kind: "artifacts", artifactIds: [policyId, otherId] }, sampling: { temperature: 0 } },
    });
    expect(await runGenerate(ctx)).toMatchObject({ prompts: 1, tasks: 1 });
    const [task] = await tasksOf(p.id);
    const ids = task.items.map((i) => i.completion.artifactId).sort();
    expect(ids).toEqual([policyId, policyId, otherId].sort());
    expect(shareOut(4, 3)).toEqual([2, 1, 1]);
  });

  it("asks an OpenAI-compatible endpoint with the run's secret key", async () => {
    const auth: (string | undefined)[] = [];
    const server = http.createServer(async (req, res) => {
      let raw = "";
      for await (const c of req) raw += c;
      auth.push(req.headers.authorization);
      const body = JSON.parse(raw) as { n: number; model: string; max_tokens: number };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ choices: Array.from({ length: body.n }, (_, i) => ({ message: { content: `${body.model} answer ${i} (${body.max_tokens})` } })) }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const p = await project(2, 2);
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      await allowEndpointHost(new URL(baseUrl).host); // a loopback endpoint is reached only when listed
      const { ctx } = context(
        p.id,
        { maxPrompts: 5, maxNewTokens: 20, request: { source: { kind: "openai", baseUrl, model: "big-llm", requestsPerMinute: 6000, concurrency: 2 } } },
        { apiKey: "sk-secret" },
      );
      expect(await runGenerate(ctx)).toMatchObject({ prompts: 2, tasks: 2 });
      const tasks = await tasksOf(p.id);
      const texts = tasks.flatMap((t) => t.items.map((i) => i.completion.text)).sort();
      expect(texts).toEqual(["big-llm answer 0 (20)", "big-llm answer 0 (20)", "big-llm answer 1 (20)", "big-llm answer 1 (20)"]);
      expect(tasks[0].items[0].completion).toMatchObject({ source: "endpoint", sourceName: "big-llm", artifactId: null });
      expect(auth).toEqual(["Bearer sk-secret", "Bearer sk-secret"]);
    } finally {
      server.close();
    }
  });

  it("stops between prompts when the run is canceled", async () => {
    const p = await project(3, 2);
    const { ctx, seen } = context(p.id, { maxPrompts: 5, maxNewTokens: 4, request: { source: { kind: "artifacts", artifactIds: [policyId] } } });
    const abort = new AbortController();
    ctx.signal = abort.signal;
    const metrics = ctx.metrics;
    ctx.metrics = (step, v) => {
      metrics(step, v);
      if (step === 1) abort.abort();
    };
    expect(await runGenerate(ctx)).toMatchObject({ prompts: 1, tasks: 1, canceled: true });
    expect(seen.log.at(-2)).toBe("Canceled after 1 of 3 prompts.");
    expect(await db.task.count({ where: { projectId: p.id, kind: "ranking" } })).toBe(1);
  });

  it("skips an answer set the project already has, as imports do", async () => {
    const p = await project(1, 2);
    const [prompt] = await db.prompt.findMany({ where: { projectId: p.id } });
    const answers = [
      { text: "x", source: "model" as const, sourceName: "m" },
      { text: "y\r\n", source: "model" as const, sourceName: "m" },
    ];
    expect(await addGeneratedRankingTask(db, p, prompt, answers)).toEqual(expect.any(String));
    expect(await addGeneratedRankingTask(db, p, prompt, [answers[0], { ...answers[1], text: "y" }])).toBeNull();
    expect(await db.task.count({ where: { projectId: p.id, kind: "ranking" } })).toBe(1);
  });

  it("refuses a reward model as a source and a project with no promoted generator", async () => {
    const p = await project(1);
    await expect(runGenerate(context(p.id, { request: { source: { kind: "artifacts", artifactIds: [rewardId] } } }).ctx)).rejects.toThrow(
      /is a reward model: it scores answers but cannot write them/,
    );
    await expect(runGenerate(context(p.id, {}).ctx)).rejects.toThrow(/The project has no promoted answer generator/);
  });
});
