// pretrain and sft: trainLM (ml/train) on the run's data, in a worker thread; progress, metrics
// and log lines stream into the context; the finished checkpoint folder is registered.
import "server-only";
import path from "node:path";
import { TRAIN_FIELDS, trainLM, type TrainConfig, type TrainProgress } from "../../../ml/index";
import { db } from "../../db";
import { RUN_KINDS } from "../../runs/kinds";
import type { RunContext } from "../context";
import { pretrainText, sftData } from "../datasets";
import { sampleSpec, sftHeldOutPrompts } from "../sample-prompts";
import { logResume, reportData, reportEvery, reportSamples, trainerFields } from "./shared";

export async function trainLMHandler(ctx: RunContext<"pretrain" | "sft">): Promise<void> {
  const { run } = ctx;
  const mode = run.kind === "pretrain" ? "pretrain" : "sft";
  const out = path.join(ctx.dir, "model");
  const c = run.config;
  const train = trainerFields(TRAIN_FIELDS, c);
  const tc: Partial<TrainConfig> = { ...train, mode, out, resume: true, worker: true, device: run.device };
  if (run.kind === "pretrain") {
    tc.model = run.config.modelSize;
    if (typeof run.config.contextLength === "number") tc.modelOverrides = { nCtx: run.config.contextLength };
    tc.data = [await pretrainText({ exportId: run.exportId, projectId: run.projectId }, ctx.dir)];
  } else {
    const base = await db.modelArtifact.findUniqueOrThrow({ where: { id: run.baseId! }, select: { path: true, name: true } });
    tc.init = base.path;
    if (!run.exportId) throw new Error("An SFT run needs a dataset export.");
    const d = await sftData(run.exportId, ctx.dir);
    tc.data = d.data;
    if (d.valData.length) tc.valData = d.valData;
    tc.samples = sampleSpec(sftHeldOutPrompts(d.data, d.valData, c.valFraction));
    ctx.log(`starting from "${base.name}"`);
  }
  ctx.log(
    `${mode}: ${tc.steps} steps, batch ${tc.batchSize} x ${tc.seqLen ? `${tc.seqLen} tokens` : "the model's context"}, ${tc.threads} thread(s), on ${run.device}${run.resume ? ", resuming from the last checkpoint if there is one" : ""}`,
  );

  logResume(ctx, out);
  const every = reportEvery(Number(tc.steps));
  const onProgress = (p: TrainProgress) => {
    if (p.event === "data" && p.data) return reportData(ctx, p.data);
    if (p.event === "samples") return reportSamples(ctx, p.step, p.samples);
    ctx.progress(p.steps ? p.step / p.steps : 0, Number.isFinite(p.etaSec) ? p.etaSec : undefined);
    if (p.event === "step")
      ctx.metrics(p.step, {
        loss: p.loss,
        lr: p.lr,
        grad_norm: p.gradNorm,
        tokens_per_sec: p.tokensPerSec,
        ...(p.copyMs !== undefined ? { copy_ms: p.copyMs } : {}),
      });
    if (p.event === "step" && (p.step % every === 0 || p.step === 1))
      ctx.log(`step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)}`);
    if (p.event === "eval" && p.valLoss !== undefined) {
      ctx.metrics(p.step, { val_loss: p.valLoss });
      ctx.log(`step ${p.step}: validation loss ${p.valLoss.toFixed(4)}`);
    }
    if (p.event === "save") {
      ctx.log(`checkpoint written at step ${p.step}`);
    }
  };
  const result = await trainLM(tc, { onProgress, beforeSave: () => ctx.saveMetrics(), signal: ctx.signal });
  if (ctx.signal.aborted) return; // cancelled: the checkpoint stays in the run's folder for a resume
  const artifactKind = RUN_KINDS[run.kind].artifact!;
  await ctx.registerArtifact({
    kind: artifactKind,
    name: run.name,
    path: result.out,
    parentId: run.baseId,
    config: { model: result.config, train: { ...train, mode } },
    metrics: {
      loss: result.loss,
      ...(result.valLoss !== undefined ? { val_loss: result.valLoss } : {}),
      steps: result.step,
      stoppedEarly: result.stoppedEarly,
    },
  });
  ctx.progress(1, 0);
  ctx.log(`done: ${result.step} steps, loss ${result.loss.toFixed(4)}${result.valLoss !== undefined ? `, validation loss ${result.valLoss.toFixed(4)}` : ""}`);
}
