// The run page's "Started from" line says what a run really started from: a generate run names the
// checkpoints its answers came from (not "from scratch"), PPO names its reward model too.
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { runOrigin } from "../../lib/runs/origin";
import { makeProject, makeUser, uniq } from "../helpers/factories";

describe("runOrigin", () => {
  it("names the policy a generate run sampled from, from the answers it wrote", async () => {
    const user = await makeUser("researcher");
    const { project } = await makeProject({ rankingTasks: 0, demoPrompts: 1 });
    const sft = await db.modelArtifact.create({ data: { kind: "sft", name: uniq("sft"), path: "/nowhere" } });
    const ppo = await db.modelArtifact.create({ data: { kind: "ppo", name: uniq("ppo"), path: "/nowhere" } });
    const run = await db.trainingRun.create({
      data: { kind: "generate", config: { request: { source: { kind: "promoted" } } }, createdById: user.id, projectId: project.id },
    });
    const asJson = { id: run.id, kind: run.kind, projectId: project.id, config: run.config, base: null };
    // Before it ran: the project's promoted policy, whichever that is.
    expect(await runOrigin(db, asJson)).toBe("the project's promoted policy (none is promoted yet)");
    await db.project.update({ where: { id: project.id }, data: { generatorId: sft.id } });
    expect(await runOrigin(db, asJson)).toBe(`the project's promoted policy, now ${sft.name} (SFT)`);
    // After: the checkpoint that wrote its answers, even if another is promoted since.
    const prompt = await db.prompt.findFirstOrThrow({ where: { projectId: project.id } });
    await db.completion.create({
      data: { promptId: prompt.id, text: "x", source: "model", sourceName: ppo.name, artifactId: ppo.id, metadata: { runId: run.id } },
    });
    expect(await runOrigin(db, asJson)).toBe(`${ppo.name} (PPO)`);

    const endpoint = { ...asJson, config: { request: { source: { kind: "openai", baseUrl: "http://10.0.0.5:8000/v1", model: "llama" } } } };
    expect(await runOrigin(db, endpoint)).toBe("llama at 10.0.0.5:8000 (an OpenAI-compatible endpoint)");
  });

  it("says random weights for a run with no base, and names PPO's reward model", async () => {
    const rm = await db.modelArtifact.create({ data: { kind: "reward_model", name: uniq("rm"), path: "/nowhere" } });
    expect(await runOrigin(db, { id: "x", kind: "pretrain", projectId: null, config: {}, base: null })).toBe("random weights (from scratch)");
    expect(await runOrigin(db, { id: "x", kind: "ppo", projectId: null, config: { rewardId: rm.id }, base: { name: "sft-1", kind: "sft" } })).toBe(
      `sft-1 (SFT), scored by ${rm.name} (reward model)`,
    );
  });
});
