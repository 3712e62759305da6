// trainRewardModel: the reward model from whole rankings (InstructGPT: a ranking's C(K,2)
// comparisons are one batch element, each answer through the model once) or TRL pairs, with
// in-graph AdamW (warmup + cosine), validation metrics, normalisation on a reference set,
// checkpoints, resume and abort. The engine runs in a worker thread by default.

import { existsSync } from 'node:fs';
import { paramCount } from '../model/params';
import { runtimeFor, trainingArena } from '../runtime/config';
import path from 'node:path';
import { ConfigError } from '../model/config';
import { recoverCheckpoint } from '../checkpoint/checkpoint';
import { initAdamWState } from '../optim/adamw';
import { getLr } from '../optim/schedules';
import { trainStepModel } from '../optim/train-graph';
import type { FloatArray } from '../onnx/dtypes';
import { initParams } from '../runtime/init';
import { StateRunner, type Runner } from '../runtime/state-runner';
import { WorkerRunner } from '../runtime/worker-runner';
import { dataEvent, progressEmitter, type RLHooks, type RLProgress } from './progress';
import { batchShape, groupFeeds, meanStd, pairMetrics, sequenceFeeds } from './reward-batch';
import { loadDecoder, saveRewardModel, type RewardNorm } from './reward-checkpoint';
import { resolveRewardConfig, type RewardConfig } from './reward-config';
import type { RewardGroup } from './reward-data';
import { loadRewardData, stepGroups, stepsFor } from './reward-dataset';
import { rewardLossGraph, rewardsModel } from './reward-model';

export interface RewardResult {
  out: string;
  steps: number;
  /** On the validation split (NaN without one): margin and reward mean/std in normalised units; loss on raw rewards. */
  metrics: { valAccuracy: number; valMargin: number; rewardMean: number; rewardStd: number; valLoss: number };
  shift: number;
  scale: number;
}

/** An aborted run's checkpoint is normalised as at the end. */
export type RewardHooks = RLHooks;

/** Trains per `config` (see REWARD_DEFAULTS); every input is checked before the first step. */
export async function trainRewardModel(config: Partial<RewardConfig>, hooks: RewardHooks = {}): Promise<RewardResult> {
  const rc = resolveRewardConfig(config);

  // ---- model, tokenizer, data: everything refused here, before any training ----
  if (rc.resume) recoverCheckpoint(rc.out); // a save cut short by a kill leaves the last complete one aside
  const resuming = rc.resume && existsSync(path.join(rc.out, 'trainer_state.json'));
  const { ck, tok, tokenizerSave } = loadDecoder(resuming ? rc.out : rc.init, resuming ? 'resumed folder' : 'init folder');
  const model = ck.config;
  if (ck.dropout > 0) throw new ConfigError(`init folder ${rc.init}: model dropout ${ck.dropout} is not supported by the trainer yet`);
  if (rc.seqLen > model.nCtx) throw new ConfigError(`reward-model config: seqLen ${rc.seqLen} exceeds the model's context nCtx = ${model.nCtx}`);
  const length = rc.seqLen ? { field: 'seqLen', value: rc.seqLen } : { field: 'the model context nCtx', value: model.nCtx };
  const data = loadRewardData(rc, tok, length);
  const longest = Math.max(...[...data.train, ...data.val].flatMap((g) => g.seqs.map((s) => s.length)), ...data.reference.map((s) => s.length));
  const T = Math.min(rc.seqLen || model.nCtx, longest);
  const shape = batchShape([...data.train, ...data.val], rc.batchSize, T);
  const steps = stepsFor(data.train, rc.batchSize, rc.epochs);
  const feedOpts = { pad: tok.pad, margin: rc.margin, center: rc.centerCoef > 0 };

  // ---- graphs and starting state ----
  const lossGraph = rewardLossGraph(model, shape, { margin: rc.margin, centerCoef: rc.centerCoef });
  const specs = lossGraph.graph.paramList;
  const names = specs.map((s) => s.name);
  const headSpecs = specs.filter((s) => s.name.startsWith('score.'));
  let start = 0;
  const state: Record<string, FloatArray> = { ...ck.params };
  if (resuming) {
    if (!ck.optimizer) throw new ConfigError(`resume: ${rc.out} has trainer_state.json but no optimizer.safetensors`);
    for (const s of headSpecs) state[s.name] = ck.extra[s.name]?.data ?? initParams([s], rc.seed)[s.name];
    Object.assign(state, ck.optimizer);
    start = Number((ck.trainerState as { step?: number }).step ?? 0);
  } else Object.assign(state, initParams(headSpecs, rc.seed), initAdamWState(specs));

  const rt = runtimeFor(rc.device, rc.threads, { measureCopy: true, memArena: trainingArena(paramCount(model)) });
  const runner: Runner = rc.worker ? new WorkerRunner(rt) : new StateRunner(rt);
  try {
    const adam = { beta1: 0.9, beta2: 0.999, weightDecay: rc.weightDecay, maxGradNorm: rc.maxGradNorm || undefined };
    await runner.load('step', trainStepModel(lossGraph.graph, { loss: lossGraph.loss, metrics: { rewards: lossGraph.rewards } }, adam));
    await runner.load('score', rewardsModel(model, shape.N, T));
    await runner.setState(state);

    const score = async (seqs: readonly (readonly number[])[]): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < seqs.length; i += shape.N) {
        const chunk = seqs.slice(i, i + shape.N);
        const r = (await runner.run('score', { ...sequenceFeeds(chunk, shape.N, T, tok.pad) })).rewards;
        for (let k = 0; k < chunk.length; k++) out.push(r[k] as number);
      }
      return out;
    };
    const groupRewards = async (groups: readonly RewardGroup[]): Promise<number[][]> => {
      const flat = await score(groups.flatMap((g) => g.seqs));
      let k = 0;
      return groups.map((g) => g.seqs.map(() => flat[k++]));
    };
    /** Validation metrics, with margin and reward statistics mapped through `norm` (raw by default). */
    const valMetrics = (raw: readonly number[][], norm: RewardNorm = { shift: 0, scale: 1 }): Record<string, number> => {
      const m = pairMetrics(data.val, raw, { margin: rc.margin });
      const { mean, std } = meanStd(raw.flat().map((r) => (r - norm.shift) / norm.scale));
      return { val_loss: m.loss, val_accuracy: m.accuracy, val_margin: m.margin / norm.scale, reward_mean: mean, reward_std: std };
    };
    const normalise = async (): Promise<RewardNorm> => {
      const { mean, std } = meanStd(await score(data.reference));
      return { shift: mean, scale: std > 1e-8 ? std : 1 };
    };
    const save = async (norm: RewardNorm): Promise<string> => {
      await hooks.beforeSave?.();
      const all = await runner.getState([...names, ...names.flatMap((n) => [`m.${n}`, `v.${n}`])]);
      const body: Record<string, Float32Array> = {};
      const opt: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(all)) if (!k.startsWith('score.')) (k.startsWith('m.') || k.startsWith('v.') ? opt : body)[k] = v as Float32Array;
      const head = { weight: all['score.weight'] as Float32Array, bias: all['score.bias'] as Float32Array };
      saveRewardModel(rc.out, model, body, head, norm, {
        optimizer: opt,
        trainerState: { step, rewardConfig: rc },
        tokenizer: tokenizerSave,
        bos: tok.bos,
        eos: tok.eos,
      });
      return rc.out;
    };

    const events = progressEmitter((p) => hooks.onProgress?.(p), start, steps);
    let step = start;
    let last: Record<string, number> = {};
    let copyMs = NaN;
    const progress = (event: RLProgress['event'], metrics: Record<string, number>, checkpoint?: string) =>
      events.paced(event, step, metrics, { checkpoint, copyMs });

    if (step < steps) events.unpaced(step, dataEvent(data.stats, 'reward-model data', length));

    while (step < steps && !hooks.signal?.aborted) {
      const lr = getLr(step, { maxLr: rc.maxLr, minLr: rc.minLr, warmupSteps: rc.warmupSteps, decaySteps: steps });
      const groups = stepGroups(data.train, rc.batchSize, step, rc.seed);
      const out = await runner.run('step', { ...groupFeeds(groups, shape, feedOpts), lr: new Float32Array([lr]), step: new Float32Array([step + 1]) });
      let k = 0;
      const r = groups.map((g) => g.seqs.map(() => out.rewards[k++] as number));
      const m = pairMetrics(groups, r, { margin: rc.margin });
      step++;
      if (Number.isNaN(copyMs)) copyMs = (await runner.stats('step')).copyMs;
      last = { loss: out.loss[0] as number, accuracy: m.accuracy, margin: m.margin, lr, grad_norm: out.grad_norm[0] as number };
      progress('step', last);
      if (rc.evalEvery && step % rc.evalEvery === 0 && step < steps && data.val.length) progress('eval', valMetrics(await groupRewards(data.val)));
      if (rc.saveEvery && step % rc.saveEvery === 0 && step < steps) progress('save', {}, await save(await normalise()));
    }

    // eval events stay in raw units (one scale on a chart); the result is in normalised units
    const norm = await normalise();
    let final: Record<string, number> = {};
    if (data.val.length) {
      const raw = await groupRewards(data.val);
      progress('eval', valMetrics(raw));
      final = valMetrics(raw, norm);
    }
    progress('save', {}, await save(norm));
    progress('done', { ...last, ...final, shift: norm.shift, scale: norm.scale });
    return {
      out: rc.out,
      steps: step,
      metrics: {
        valAccuracy: final.val_accuracy ?? NaN,
        valMargin: final.val_margin ?? NaN,
        rewardMean: final.reward_mean ?? NaN,
        rewardStd: final.reward_std ?? NaN,
        valLoss: final.val_loss ?? NaN,
      },
      ...norm,
    };
  } finally {
    await runner.dispose();
  }
}
