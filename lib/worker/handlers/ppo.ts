// ppo: trainPPO (ml/rlhf) from the SFT policy (the base) against the chosen reward model, on a
// PPO-prompts export; optional pretraining mix (ptx) on the built-in corpus and the project's text.
// Per-iteration metrics stream into the context; the finished policy folder is registered.
import "server-only";
import path from "node:path";
import { fmtMetrics, PPO_FIELDS, trainPPO, type PPOConfig } from "../../../ml/index";
import { db } from "../../db";
import type { RunContext } from "../context";
import { exportSplits, pretrainText } from "../datasets";
import { firstPrompts, sampleSpec } from "../sample-prompts";
import { logResume, reportRLProgress, trainerFields } from "./shared";

export async function ppoHandler(ctx: RunContext<"ppo">): Promise<void> {
  const { run } = ctx;
  const { rewardId } = run.config;
  if (!run.exportId || !run.baseId || !rewardId) throw new Error("A PPO run needs a policy, a reward model and a prompts export.");
  const artifact = (id: string) => db.modelArtifact.findUniqueOrThrow({ where: { id }, select: { path: true, name: true } });
  const [policy, reward] = await Promise.all([artifact(run.baseId), artifact(rewardId)]);
  const s = await exportSplits(run.exportId);
  if (!s.train.length) throw new Error("The dataset has no prompts.");
  const c = run.config;
  const train = trainerFields(PPO_FIELDS, c);
  if (!(train.klTarget! > 0)) delete train.klTarget; // runs queued before klTarget had to be > 0 stored 0 for "fixed β"
  const config: Partial<PPOConfig> = {
    ...train,
    policy: policy.path,
    reward: reward.path,
    prompts: s.train,
    out: path.join(ctx.dir, "model"),
    resume: true,
    device: run.device,
    worker: true,
    // answered at each checkpoint: the validation split's prompts (without one, the first training prompts)
    samples: sampleSpec(firstPrompts(s.validation.length ? s.validation : s.train)),
  };
  if (c.ptxCoef > 0) config.ptxData = [await pretrainText({ exportId: null, projectId: run.projectId }, ctx.dir)];
  ctx.log(`PPO on "${policy.name}" against reward model "${reward.name}": ${c.iterations} iterations of ${c.rolloutBatch} rollouts, ${c.threads} thread(s)`);
  logResume(ctx, config.out!);
  const result = await trainPPO(config, { onProgress: reportRLProgress(ctx, "iteration"), beforeSave: () => ctx.saveMetrics(), signal: ctx.signal });
  if (ctx.signal.aborted) return;
  await ctx.registerArtifact({
    kind: "ppo",
    name: run.name,
    path: result.out,
    parentId: run.baseId,
    config: { train, rewardId },
    metrics: { ...result.metrics, iterations: result.iterations },
  });
  ctx.progress(1, 0);
  ctx.log(`done: ${result.iterations} iterations, ${fmtMetrics(result.metrics)}`);
}
