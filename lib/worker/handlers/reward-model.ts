// reward_model: trainRewardModel (ml/rlhf) from a rankings or pairs export, starting from the base
// (usually SFT) checkpoint; RLProgress events stream into the context; the finished folder is
// registered as a reward_model artifact.
import "server-only";
import path from "node:path";
import { REWARD_FIELDS, trainRewardModel, type RewardConfig } from "../../../ml/index";
import { db } from "../../db";
import type { RunContext } from "../context";
import { exportSplits } from "../datasets";
import { logResume, reportRLProgress, trainerFields } from "./shared";

export async function rewardModelHandler(ctx: RunContext<"reward_model">): Promise<void> {
  const { run } = ctx;
  if (!run.exportId || !run.baseId) throw new Error("A reward-model run needs a starting checkpoint and a rankings export.");
  const base = await db.modelArtifact.findUniqueOrThrow({ where: { id: run.baseId }, select: { path: true, name: true } });
  const s = await exportSplits(run.exportId);
  if (!s.train.length) throw new Error("The dataset has no training rows.");
  const rc: Partial<RewardConfig> = {
    ...trainerFields(REWARD_FIELDS, run.config),
    init: base.path,
    data: s.train,
    valData: s.validation,
    format: s.kind === "rm" ? "pairs" : "rankings",
    out: path.join(ctx.dir, "model"),
    resume: true,
    device: run.device,
    worker: true,
  };
  ctx.log(`reward model from "${base.name}" on ${s.kind === "rm" ? "preference pairs" : "whole rankings"}, ${rc.threads} thread(s)`);
  logResume(ctx, rc.out!);
  const result = await trainRewardModel(rc, { onProgress: reportRLProgress(ctx, "step"), beforeSave: () => ctx.saveMetrics(), signal: ctx.signal });
  if (ctx.signal.aborted) return;
  await ctx.registerArtifact({
    kind: "reward_model",
    name: run.name,
    path: result.out,
    parentId: run.baseId,
    config: { train: trainerFields(REWARD_FIELDS, run.config), format: rc.format, shift: result.shift, scale: result.scale },
    metrics: { ...result.metrics, steps: result.steps },
  });
  ctx.progress(1, 0);
  ctx.log(`done: validation accuracy ${result.metrics.valAccuracy.toFixed(3)}, margin ${result.metrics.valMargin.toFixed(3)}`);
}
