// The RL half of the pipeline: the reward model on the labelers' whole-ranking JSONL, and PPO
// against it. Like stages.ts, these read only files (rankings, demonstrations, prompts).

import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ppoPromptRow } from '../../lib/exports/rows';
import { rewardInput, RewardScorer, trainPPO, trainRewardModel, type RLProgress } from '../../ml/index';
import { relations } from './labelers';
import { promptIds, tok, type Samples } from './policy';
import type { BenchSettings } from './settings';
import { writeLines } from './stages';
import type { Task } from './tasks';

export interface RewardStageResult {
  out: string;
  /** The trainer's own held-out accuracy (strict pairs of the validation rankings). */
  trainerValAccuracy: number;
  /** Our count on the same rankings: the RM orders a labeler's strict pair the same way (an RM tie counts half). */
  valAccuracy: number;
  steps: number;
}

/** Trains the reward model from `init` (the PMP model) on the rankings; measures its held-out accuracy. */
export async function rewardStage(s: BenchSettings, dir: string, init: string, rankings: string, val: string, demos: string): Promise<RewardStageResult> {
  const r = await trainRewardModel(
    {
      init,
      data: [rankings],
      valData: [val],
      format: 'rankings',
      out: path.join(dir, 'rm'),
      epochs: s.rm.epochs,
      batchSize: s.rm.batchSize,
      maxLr: s.rm.maxLr,
      minLr: s.rm.maxLr / 10,
      normData: [demos],
      // the validation accuracy four times along training (over- or under-fitting shows there)
      evalEvery: Math.max(1, Math.round((Math.ceil(s.label.train / s.rm.batchSize) * s.rm.epochs) / 4)),
      seed: s.seed + 3,
      worker: false,
    },
    {
      onProgress: (p: RLProgress) => {
        if (p.event === 'eval' && p.step < p.steps)
          console.log(`  rm step ${p.step}/${p.steps} val_accuracy ${p.metrics.val_accuracy.toFixed(3)} val_loss ${p.metrics.val_loss.toFixed(3)}`);
        if (p.event === 'done') console.log(`  rm step ${p.step}/${p.steps} ${fmt(p.metrics)}`);
      },
    },
  );
  const scorer = await RewardScorer.load(r.out, { intraOpThreads: 2 });
  let agree = 0;
  let pairs = 0;
  try {
    for (const line of readFileSync(val, 'utf8').split('\n').filter(Boolean)) {
      const row = JSON.parse(line) as { prompt: Array<{ role: 'user'; content: string }>; responses: string[]; tiers: number[][] };
      const rewards = await scorer.score(row.responses.map((resp) => rewardInput(tok, row.prompt, resp)));
      const rel = relations(row.tiers, row.responses.length);
      for (let i = 0; i < rewards.length; i++)
        for (let j = i + 1; j < rewards.length; j++) {
          if (rel[i][j] === 0) continue;
          pairs++;
          const d = rewards[i] - rewards[j];
          agree += d === 0 ? 0.5 : Math.sign(d) === rel[i][j] ? 1 : 0;
        }
    }
  } finally {
    await scorer.dispose();
  }
  return { out: r.out, trainerValAccuracy: r.metrics.valAccuracy, valAccuracy: agree / pairs, steps: r.steps };
}

const fmt = (m: Record<string, number>) =>
  Object.entries(m)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)}`)
    .join(' ');

/** The PPO prompts in the app's "PPO prompts" export layout ({prompt}). */
export function writePPOPrompts(dir: string, tasks: readonly Task[]): string {
  return writeLines(
    path.join(dir, 'ppo-prompts.jsonl'),
    tasks.map((t) => JSON.stringify(ppoPromptRow({ messages: [{ role: 'user', content: t.prompt }], format: 'text' }))),
  );
}

export interface PPORun {
  name: string;
  beta: number;
  ptxCoef: number;
  out: string;
  /** Per-iteration training metrics (score, kl, ...). */
  history: Array<Record<string, number>>;
  /** Copies of the policy at a few iterations (for the over-optimisation curve). */
  snapshots: Array<{ iteration: number; dir: string }>;
}

/** PPO from the SFT policy against the reward model (or, with `advantage` rloo/grpo, the group-baseline variant: no value model). */
export async function ppoStage(
  s: BenchSettings,
  dir: string,
  o: {
    name: string;
    sft: string;
    rm: string;
    prompts: string;
    beta: number;
    ptxCoef: number;
    ptxData: string;
    snapshotEvery?: number;
    advantage?: 'gae' | 'rloo' | 'grpo';
    groupSize?: number;
    /** The learning rate, when not ppo.lr (the group-baseline runs have their own: compare.groupLr). */
    lr?: number;
  },
): Promise<PPORun> {
  const p = s.ppo;
  const out = path.join(dir, o.name);
  const run: PPORun = { name: o.name, beta: o.beta, ptxCoef: o.ptxCoef, out, history: [], snapshots: [] };
  await trainPPO(
    {
      policy: o.sft,
      reward: o.rm,
      advantage: o.advantage ?? 'gae',
      ...(o.groupSize ? { groupSize: o.groupSize } : {}),
      prompts: [o.prompts],
      out,
      iterations: p.iterations,
      rolloutBatch: p.rolloutBatch,
      miniBatch: p.miniBatch,
      ppoEpochs: p.ppoEpochs,
      maxNewTokens: s.maxNewTokens,
      temperature: s.temperature,
      lr: o.lr ?? p.lr,
      beta: o.beta,
      ptxCoef: o.ptxCoef,
      ptxData: o.ptxCoef > 0 ? [o.ptxData] : [],
      saveEvery: o.snapshotEvery ?? 0,
      seed: s.seed + 4,
      worker: false,
    },
    {
      onProgress: (e: RLProgress) => {
        if (e.event === 'step') {
          run.history.push({ ...e.metrics });
          if (e.step === 1 || e.step % Math.max(1, Math.round(p.iterations / 5)) === 0) console.log(`  ${o.name} it ${e.step}/${e.steps} ${fmt(e.metrics)}`);
        }
        if (e.event === 'save' && e.checkpoint && o.snapshotEvery && e.step < p.iterations) {
          const snap = `${out}-it${e.step}`;
          cpSync(e.checkpoint, snap, { recursive: true }); // the loop waits: the folder is complete here
          run.snapshots.push({ iteration: e.step, dir: snap });
        }
      },
    },
  );
  return run;
}

/** Mean normalised reward-model score of a policy's samples. */
export async function meanRMScore(rm: string, s: Samples): Promise<number> {
  const scorer = await RewardScorer.load(rm, { intraOpThreads: 2 });
  try {
    const seqs = s.prompts.map((p, i) => [...promptIds(p), ...s.tokens[i], ...(s.finished[i] ? [] : [tok.eos])]);
    const r = await scorer.score(seqs);
    return r.reduce((a, b) => a + b, 0) / r.length;
  } finally {
    await scorer.dispose();
  }
}
