// ppo: trainPPO (ml/rlhf) from the SFT policy (the base) against the chosen reward model, on a
// PPO-prompts export; optional pretraining mix (ptx) on the built-in corpus and the project's text.
// Per-iteration metrics stream into the context; the finished policy folder is registered.
import "server-only";
import path from "node:path";
import type { PPOConfig } from "../../../ml/rlhf/ppo-config";
import { trainPPO } from "../../../ml/rlhf/ppo-trainer";
import { fmtMetrics } from "../../../ml/rlhf/progress";
import { db } from "../../db";
import type { RunContext } from "../context";
import { exportSplits, pretrainText } from "../datasets";
import { logResume, pick, reportRLProgress } from "./shared";

const PPO_FIELDS = [
  "iterations", "rolloutBatch", "miniBatch", "ppoEpochs", "maxNewTokens", "temperature", "lr", "beta", "gamma", "lam",
  "clipEps", "valueClip", "vfCoef", "noEosPenalty", "valueInit", "ptxCoef", "saveEvery", "seed", "threads",
] as const;

export async function ppoHandler(ctx: RunContext): Promise<void> {
  const { run } = ctx;
  const rewardId = run.config.rewardId as string | undefined;
  if (!run.exportId || !run.baseId || !rewardId) throw new Error("A PPO run needs a policy, a reward model and a prompts export.");
  const [policy, reward] = await Promise.all(
    [run.baseId, rewardId].map((id) => db.modelArtifact.findUniqueOrThrow({ where: { id }, select: { path: true, name: true } })),
  );
  const s = await exportSplits(run.exportId);
  if (!s.train.length) throw new Error("The dataset has no prompts.");
  const c = run.config;
  const config: Partial<PPOConfig> = {
    ...pick(c, PPO_FIELDS),
    ...(typeof c.klTarget === "number" && c.klTarget > 0 ? { klTarget: c.klTarget } : {}),
    policy: policy.path,
    reward: reward.path,
    prompts: s.train,
    out: path.join(ctx.dir, "model"),
    resume: true,
    device: run.device,
    worker: true,
  };
  if (typeof c.ptxCoef === "number" && c.ptxCoef > 0) config.ptxData = [await pretrainText({ exportId: null, projectId: run.projectId }, ctx.dir)];
  ctx.log(`PPO on "${policy.name}" against reward model "${reward.name}": ${c.iterations} iterations of ${c.rolloutBatch} rollouts, ${c.threads} thread(s)`);
  logResume(ctx, config.out!);
  const result = await trainPPO(config, { onProgress: reportRLProgress(ctx, "iteration"), signal: ctx.signal });
  if (ctx.signal.aborted) return;
  await ctx.registerArtifact({
    kind: "ppo",
    name: run.name,
    path: result.out,
    parentId: run.baseId,
    config: { train: pick(c, PPO_FIELDS), rewardId },
    metrics: { ...result.metrics, iterations: result.iterations },
  });
  ctx.progress(1, 0);
  ctx.log(`done: ${result.iterations} iterations, ${fmtMetrics(result.metrics)}`);
}
