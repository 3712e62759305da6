// The inference server (in-process here; scripts/inference.ts runs it as its own process) and the
// playground route that calls it: the shared secret, /generate and /score on real checkpoints
// (a GPT-2 tiny policy and a reward model on it), the LRU of loaded models, errors as sentences,
// runs.read for the route (a labeler gets 403) and a 503 sentence when the server is not running.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { startInferenceServer, type InferenceServer } from "../../lib/inference/server";
import { SECRET_HEADER } from "../../lib/inference/schema";
import { ByteTokenizer, initGPT, PRESETS, saveCheckpoint } from "../../ml/index";
import { rewardInput } from "../../ml/rlhf/reward-data";
import { saveRewardModel } from "../../ml/rlhf/reward-checkpoint";
import { RewardScorer } from "../../ml/rlhf/reward-scorer";
import { makeUser, uniq } from "../helpers/factories";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "inference-test-"));
process.env.STORAGE_DIR = root;
const SECRET = "test-inference-secret-0123456789";
const playground = await import("../../app/api/playground/route");

let server: InferenceServer;
let policyId = "";
let rmId = "";
const rmDir = path.join(root, "rm");
const messages = [{ role: "user" as const, content: "hi 3" }];

beforeAll(async () => {
  const cfg = PRESETS.tiny;
  const params = initGPT(cfg, 7);
  saveCheckpoint(path.join(root, "policy"), cfg, params, { tokenizer: "byte" });
  const weight = Float32Array.from({ length: cfg.nEmbd }, (_, i) => Math.sin(i + 1));
  saveRewardModel(rmDir, cfg, params, { weight, bias: Float32Array.from([0.5]) }, { shift: 0.25, scale: 2 }, { tokenizer: "byte" });
  policyId = (await db.modelArtifact.create({ data: { kind: "sft", name: uniq("policy"), path: path.join(root, "policy") } })).id;
  rmId = (await db.modelArtifact.create({ data: { kind: "reward_model", name: uniq("rm"), path: rmDir, parentId: policyId } })).id;
  server = await startInferenceServer({ port: 0, secret: SECRET, capacity: 2, threads: 1 });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const post = (p: string, body: unknown, secret: string | null = SECRET) =>
  fetch(`${server.url}${p}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { [SECRET_HEADER]: secret } : {}) },
    body: JSON.stringify(body),
  });

describe("inference server", () => {
  it("refuses a request without the shared secret", async () => {
    for (const s of [null, "wrong-secret-wrong-secret"]) {
      const res = await post("/generate", { artifactId: policyId, messages }, s);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "The inference secret is missing or wrong." } });
    }
  });

  it("POST /generate samples answers from a policy checkpoint, reproducibly for a seed", async () => {
    const body = { artifactId: policyId, messages, sampling: { temperature: 1, topP: 1, topK: 0, maxNewTokens: 8, seed: 11 }, n: 2 };
    const res = await post("/generate", body);
    expect(res.status).toBe(200);
    const a = (await res.json()) as { answers: { text: string; tokens: number; finished: boolean }[]; ms: number };
    expect(a.answers).toHaveLength(2);
    for (const x of a.answers) {
      expect(x.tokens).toBeGreaterThan(0);
      expect(x.tokens).toBeLessThanOrEqual(8);
      expect(typeof x.text).toBe("string");
    }
    const again = (await (await post("/generate", body)).json()) as typeof a;
    expect(again.answers).toEqual(a.answers);
  });

  it("POST /score gives the reward model's normalised scores, as RewardScorer computes them", async () => {
    const responses = ["hello", "a longer answer here"];
    const res = await post("/score", { artifactId: rmId, messages, responses });
    expect(res.status).toBe(200);
    const { scores } = (await res.json()) as { scores: number[] };
    const direct = await RewardScorer.load(rmDir, { intraOpThreads: 1 });
    try {
      const tok = new ByteTokenizer();
      const want = await direct.score(responses.map((r) => rewardInput(tok, messages, r)));
      expect(scores).toHaveLength(2);
      scores.forEach((s, i) => expect(s).toBeCloseTo(want[i], 5));
      expect(scores[0]).not.toBeCloseTo(scores[1], 5);
    } finally {
      await direct.dispose();
    }
  });

  it("answers wrong requests with one sentence and keeps at most `capacity` models loaded", async () => {
    const asPolicy = await post("/generate", { artifactId: rmId, messages });
    expect(asPolicy.status).toBe(422);
    expect(((await asPolicy.json()) as { error: { message: string } }).error.message).toMatch(/is a reward model: it scores answers but cannot write them/);
    const asScorer = await post("/score", { artifactId: policyId, messages, responses: ["x"] });
    expect(asScorer.status).toBe(422);
    expect((await post("/generate", { artifactId: crypto.randomUUID(), messages })).status).toBe(404);
    const bad = await post("/generate", { artifactId: policyId, messages: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe("messages: must hold at least one message");
    const tooLong = await post("/generate", { artifactId: policyId, messages: [{ role: "user", content: "x".repeat(80) }] });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(/fills the model's context of 64/);

    const health = await fetch(`${server.url}/health`, { headers: { [SECRET_HEADER]: SECRET } });
    const { loaded } = (await health.json()) as { loaded: string[] };
    expect(loaded.sort()).toEqual([`policy:${policyId}`, `scorer:${rmId}`].sort());
  });
});

describe("POST /api/playground", () => {
  const call = (body: unknown) =>
    (playground.POST as unknown as (req: NextRequest, ctx: { params: Promise<object> }) => Promise<Response>)(
      new NextRequest("http://localhost:3000/api/playground", {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      }),
      { params: Promise.resolve({}) },
    );
  const body = () => ({ artifactId: policyId, messages, sampling: { maxNewTokens: 6, seed: 3 }, rewardModelId: rmId });

  it("answers a researcher with the policy's answer and the reward model's score; a labeler gets 403", async () => {
    process.env.INFERENCE_URL = server.url;
    process.env.INFERENCE_SECRET = SECRET;
    session.user = await makeUser("researcher");
    const res = await call(body());
    expect(res.status).toBe(200);
    const r = (await res.json()) as { text: string; tokens: number; finished: boolean; score: number | null };
    expect(r.tokens).toBeGreaterThan(0);
    expect(typeof r.score).toBe("number");
    const direct = (await (await post("/score", { artifactId: rmId, messages, responses: [r.text] })).json()) as { scores: number[] };
    expect(r.score).toBeCloseTo(direct.scores[0], 5);

    session.user = await makeUser("labeler");
    expect((await call(body())).status).toBe(403);
  });

  it("says in one sentence that the inference server is not running (503)", async () => {
    session.user = await makeUser("admin");
    process.env.INFERENCE_URL = "http://127.0.0.1:9"; // nothing listens there
    const res = await call(body());
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^The inference server is not running/);
    delete process.env.INFERENCE_URL;
    expect((await call(body())).status).toBe(503);
  });
});
