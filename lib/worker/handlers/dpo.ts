// dpo: trainDPO (ml/rlhf) from the SFT checkpoint (the base, also the frozen reference unless the
// run names a separate one, config.refId) on a rankings or pairs export; RLProgress events stream into the context; the finished policy folder
// (with its cached reference log-probs) is registered as a dpo artifact.
import "server-only";
import path from "node:path";
import { DPO_FIELDS, fmtMetrics, trainDPO, type DPOConfig } from "../../../ml/index";
import { db } from "../../db";
import type { RunContext } from "../context";
import { exportSplits } from "../datasets";
import { firstPrompts, sampleSpec } from "../sample-prompts";
import { logResume, reportRLProgress, trainerFields } from "./shared";

export async function dpoHandler(ctx: RunContext<"dpo">): Promise<void> {
  const { run } = ctx;
  if (!run.exportId || !run.baseId) throw new Error("A DPO run needs a starting checkpoint and a rankings export.");
  const base = await db.modelArtifact.findUniqueOrThrow({ where: { id: run.baseId }, select: { path: true, name: true } });
  const { refId } = run.config;
  const ref = refId ? await db.modelArtifact.findUniqueOrThrow({ where: { id: refId }, select: { path: true, name: true } }) : null;
  const s = await exportSplits(run.exportId);
  if (!s.train.length) throw new Error("The dataset has no training rows.");
  const train = trainerFields(DPO_FIELDS, run.config);
  const config: Partial<DPOConfig> = {
    ...train,
    init: base.path,
    ref: ref?.path ?? "",
    data: s.train,
    valData: s.validation,
    format: s.kind === "rm" ? "pairs" : "rankings",
    out: path.join(ctx.dir, "model"),
    resume: true,
    device: run.device,
    worker: true,
    // the validation split's prompts (without one, the first training prompts)
    samples: sampleSpec(firstPrompts(s.validation.length ? s.validation : s.train)),
  };
  ctx.log(
    `DPO (${config.lossType ?? "sigmoid"}, β ${config.beta}) from "${base.name}", reference "${(ref ?? base).name}", on ${s.kind === "rm" ? "preference pairs" : "whole rankings"}, ${config.threads} thread(s)`,
  );
  logResume(ctx, config.out!);
  const result = await trainDPO(config, { onProgress: reportRLProgress(ctx, "step"), beforeSave: () => ctx.saveMetrics(), signal: ctx.signal });
  if (ctx.signal.aborted) return;
  ctx.log(result.referenceCached ? "reference log-probs read from the run folder's cache" : "reference log-probs computed once and cached in the run folder");
  await ctx.registerArtifact({
    kind: "dpo",
    name: run.name,
    path: result.out,
    parentId: run.baseId,
    config: { train, format: config.format, ...(refId ? { refId } : {}) },
    metrics: { ...result.metrics, steps: result.steps },
  });
  ctx.progress(1, 0);
  ctx.log(`done: ${result.steps} steps, ${fmtMetrics(result.metrics)}`);
}
