// best_of_n: Best-of-N distillation. The policy (the base) samples N answers to each prompt of a
// PPO-prompts export, the chosen reward model keeps the best, and the kept answers become a new SFT
// export (demonstrations, split as the prompts were) that an SFT run can train on.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { bestOfNDistill } from "../../../ml/index";
import { db } from "../../db";
import { exportsRoot } from "../../exports/store";
import type { RunContext } from "../context";
import { exportSplits } from "../datasets";

export async function bestOfNHandler(ctx: RunContext<"best_of_n">): Promise<void> {
  const { run } = ctx;
  const { rewardId } = run.config;
  if (!run.exportId || !run.baseId || !rewardId) throw new Error("A best-of-N run needs a policy, a reward model and a prompts export.");
  const artifact = (id: string) => db.modelArtifact.findUniqueOrThrow({ where: { id }, select: { path: true, name: true } });
  const [policy, reward] = await Promise.all([artifact(run.baseId), artifact(rewardId)]);
  const s = await exportSplits(run.exportId);
  if (!s.train.length) throw new Error("The dataset has no prompts.");
  const c = run.config;
  ctx.log(`best of ${c.n} answers from "${policy.name}" by reward model "${reward.name}"`);

  const id = crypto.randomUUID();
  const partial = path.join(ctx.dir, "best-of-n");
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const splits = (
    [
      ["train", s.train],
      ["validation", s.validation],
    ] as [string, string[]][]
  ).filter(([, f]) => f.length);
  const files: { name: string; sha256: string; bytes: number; rows: number }[] = [];
  const splitCounts: Record<string, { rows: number; prompts: number }> = {};
  let metrics: Record<string, number> = {};
  for (const [k, [split, prompts]] of splits.entries()) {
    const out = path.join(partial, `${split}.jsonl`);
    const r = await bestOfNDistill(
      {
        policy: policy.path,
        reward: reward.path,
        prompts,
        out,
        n: c.n,
        maxNewTokens: c.maxNewTokens,
        temperature: c.temperature,
        topP: c.topP,
        seed: c.seed,
        threads: c.threads,
      },
      { signal: ctx.signal, onProgress: (done, total) => ctx.progress((k + done / total) / splits.length) },
    );
    if (ctx.signal.aborted) return;
    const bytes = fs.readFileSync(out);
    files.push({ name: `${split}.jsonl`, sha256: crypto.createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length, rows: r.lines });
    splitCounts[split] = { rows: r.lines, prompts: r.lines };
    if (split === "train") metrics = { mean_best_score: r.meanBest, mean_sample_score: r.meanSample, best_minus_sample: r.meanBest - r.meanSample };
    ctx.log(`${split}: ${r.lines} demonstrations, mean kept score ${r.meanBest.toFixed(3)} vs ${r.meanSample.toFixed(3)} for one sample`);
  }
  ctx.metrics(1, metrics);
  const final = path.join(exportsRoot(), id);
  fs.mkdirSync(exportsRoot(), { recursive: true });
  fs.renameSync(partial, final);
  try {
    await db.export.create({
      data: {
        id,
        projectId: run.projectId,
        kind: "sft",
        filters: { source: "best_of_n", runId: run.id, policyId: run.baseId, rewardId, n: c.n },
        rowCount: files.reduce((a, f) => a + f.rows, 0),
        splitCounts,
        files,
        note: `Best of ${c.n} answers from "${policy.name}" by reward model "${reward.name}" (run "${run.name}").`,
        createdById: run.createdById,
      },
    });
  } catch (e) {
    fs.rmSync(final, { recursive: true, force: true });
    throw e;
  }
  ctx.progress(1, 0);
  ctx.log(`done: SFT export ${id} (${files.map((f) => `${f.name} ${f.rows}`).join(", ")})`);
}
