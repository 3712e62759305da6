// trainDPO: Direct Preference Optimization (Rafailov et al., 2023) from an SFT checkpoint, with the
// frozen reference (by default the same folder). Whole rankings are batched as InstructGPT batches
// them for its reward model: each answer through the model once, every strict pair of the ranking a
// term, weighted so each ranking counts once. The reference log-probs are computed once, before the
// first step, and cached in the run folder. Metrics carry TRL's names, plus the KL to the reference
// of answers the policy samples for held-out prompts. The engine runs in a worker thread by default.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { recoverCheckpoint } from '../checkpoint/checkpoint';
import { evalSamples } from '../generate/eval-samples';
import { saveCheckpoint } from '../checkpoint/checkpoint';
import { ConfigError } from '../model/config';
import { gptTensorShapes } from '../model/gpt';
import type { FloatArray } from '../onnx/dtypes';
import { initAdamWState } from '../optim/adamw';
import { getLr } from '../optim/schedules';
import { paramCount } from '../model/params';
import { runtimeFor, trainingArena } from '../runtime/config';
import { StateRunner, type Runner } from '../runtime/state-runner';
import { WorkerRunner } from '../runtime/worker-runner';
import { resolveDPOConfig, type DPOConfig } from './dpo-config';
import { loadDPOData } from './dpo-data';
import { dpoMetrics } from './dpo-metrics';
import { dpoFeeds, dpoLogpsModel, dpoStepModel, logpFeeds } from './dpo-model';
import { readReferenceCache, REFERENCE_FILE, referenceKey, writeReferenceCache, type ReferenceLogps } from './dpo-reference';
import { mixSeed } from './ppo-data';
import { assertSameConfig, assertSameTokenizer } from './same-decoder';
import { dataEvent, progressEmitter, type RLHooks, type RLProgress } from './progress';
import { batchShape } from './reward-batch';
import { loadDecoder } from './reward-checkpoint';
import type { RewardGroup } from './reward-data';
import { stepGroups, stepsFor } from './reward-dataset';
import { rollout } from './rollout';

export interface DPOResult {
  out: string;
  steps: number;
  /** The last step's metrics and the final validation metrics (val_*, kl); NaN where there is no validation split. */
  metrics: Record<string, number>;
  /** Whether the reference log-probs came from the run folder's cache. */
  referenceCached: boolean;
}

export type DPOHooks = RLHooks;

const seqKey = (s: readonly number[], p: number) => `${p}|${s.join(',')}`;

/** Trains per `config` (see DPO_DEFAULTS); every input is checked before the first step. */
export async function trainDPO(config: Partial<DPOConfig>, hooks: DPOHooks = {}): Promise<DPOResult> {
  const dc = resolveDPOConfig(config);

  // ---- models, tokenizer, data: everything refused here, before any training ----
  if (dc.resume) recoverCheckpoint(dc.out);
  const resuming = dc.resume && existsSync(path.join(dc.out, 'trainer_state.json'));
  const init = loadDecoder(dc.init, 'init folder');
  const model = init.ck.config;
  const tok = init.tok;
  const refDir = dc.ref || dc.init;
  const ref = refDir === dc.init ? init : loadDecoder(refDir, 'reference folder');
  if (ref !== init) {
    assertSameConfig(model, ref.ck.config, `the reference ${refDir} and the policy ${dc.init}`);
    assertSameTokenizer({ config: model, tok }, { config: ref.ck.config, tok: ref.tok }, refDir, 'the reference');
  }
  const start = resuming ? loadDecoder(dc.out, 'resumed folder') : init;
  if (resuming) assertSameConfig(model, start.ck.config, `the init folder ${dc.init} and the run in ${dc.out}`);
  if (init.ck.dropout > 0)
    throw new ConfigError(`init folder ${dc.init}: model dropout ${init.ck.dropout} is not supported (DPO needs deterministic log-probabilities)`);
  if (dc.seqLen > model.nCtx) throw new ConfigError(`DPO config: seqLen ${dc.seqLen} exceeds the model's context nCtx = ${model.nCtx}`);
  const length = dc.seqLen ? { field: 'seqLen', value: dc.seqLen } : { field: 'the model context nCtx', value: model.nCtx };
  const data = loadDPOData(dc, tok, length);
  const all = [...data.train, ...data.val];
  const T = Math.min(dc.seqLen || model.nCtx, Math.max(...all.flatMap((g) => g.seqs.map((s) => s.length))));
  const shape = batchShape(all, dc.batchSize, T);
  const steps = dc.maxSteps || stepsFor(data.train, dc.batchSize, dc.epochs);
  const mean = dc.lossType === 'ipo'; // IPO compares per-token mean log-probs (TRL)
  const lossOpts = { lossType: dc.lossType, beta: dc.beta, labelSmoothing: dc.labelSmoothing, margin: dc.margin };
  const bodyNames = gptTensorShapes(model).map(([n]) => n);

  // ---- graphs and starting state ----
  const stepModel = dpoStepModel(model, shape, { ...lossOpts, weightDecay: dc.weightDecay, maxGradNorm: dc.maxGradNorm });
  const names = stepModel.params.map((s) => s.name);
  const state: Record<string, FloatArray> = { ...start.ck.params };
  let first = 0;
  if (resuming) {
    if (!start.ck.optimizer) throw new ConfigError(`resume: ${dc.out} has trainer_state.json but no optimizer.safetensors`);
    Object.assign(state, start.ck.optimizer);
    first = Number((start.ck.trainerState as { step?: number }).step ?? 0);
  } else Object.assign(state, initAdamWState(stepModel.params));

  const rt = runtimeFor(dc.device, dc.threads, { measureCopy: true, memArena: trainingArena(paramCount(model)) });
  const runner: Runner = dc.worker ? new WorkerRunner(rt) : new StateRunner(rt);
  try {
    await runner.load('step', stepModel);
    await runner.load('logps', dpoLogpsModel(model, shape.N, T));
    await runner.load('ref', dpoLogpsModel(model, shape.N, T, ref.ck.params));
    await runner.setState(state);

    /** Σ log π over the response tokens (or the per-token mean) of each sequence, by model `key`. */
    const logpsOf = async (key: 'logps' | 'ref', seqs: readonly (readonly number[])[], promptLens: readonly number[], perToken: boolean): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < seqs.length; i += shape.N) {
        const chunk = seqs.slice(i, i + shape.N);
        const r = (await runner.run(key, { ...logpFeeds(chunk, promptLens.slice(i, i + shape.N), shape.N, T, tok.pad, perToken) })).logps;
        for (let k = 0; k < chunk.length; k++) out.push(r[k] as number);
      }
      return out;
    };

    // ---- the reference pass: once, cached with the run ----
    const unique = new Map<string, { seq: number[]; p: number }>();
    for (const g of all) g.seqs.forEach((s, k) => unique.set(seqKey(s, g.promptLens[k]), { seq: s, p: g.promptLens[k] }));
    const list = [...unique.values()];
    const key = referenceKey(
      refDir,
      list.map((x) => x.seq),
      list.map((x) => x.p),
    );
    let refValues = readReferenceCache(dc.out, key, list.length);
    const referenceCached = refValues !== null;
    if (!refValues) {
      const sums = await logpsOf(
        'ref',
        list.map((x) => x.seq),
        list.map((x) => x.p),
        false,
      );
      refValues = sums.map((sum, i) => ({ sum, count: list[i].seq.length - list[i].p }));
      writeReferenceCache(dc.out, key, refValues);
    }
    const refMap = new Map<string, ReferenceLogps>(list.map((x, i) => [seqKey(x.seq, x.p), refValues![i]]));
    const refOf = (g: RewardGroup) =>
      g.seqs.map((s, k) => {
        const r = refMap.get(seqKey(s, g.promptLens[k]))!;
        return mean ? r.sum / Math.max(1, r.count) : r.sum;
      });

    // ---- validation: TRL's metrics on held-out rankings, and the KL of sampled answers ----
    const klPrompts: number[][] = [];
    const seenPrompts = new Set<string>();
    for (const g of data.val) {
      const p = g.seqs[0].slice(0, g.promptLens[0]);
      if (klPrompts.length >= dc.klPrompts || seenPrompts.has(p.join(','))) continue;
      seenPrompts.add(p.join(','));
      klPrompts.push(p);
    }
    const longestPrompt = Math.max(0, ...klPrompts.map((p) => p.length));
    const klNew = Math.min(dc.klMaxNewTokens, T + 1 - longestPrompt, model.nCtx - longestPrompt);
    const measureKl = async (step: number): Promise<number> => {
      const weights = (await runner.getState(bodyNames)) as Record<string, Float32Array>;
      const ro = await rollout(model, weights, klPrompts, {
        maxNewTokens: klNew,
        temperature: 1,
        eos: tok.eos,
        pad: tok.pad,
        seed: mixSeed(dc.seed, step, 7),
        T,
        runtime: runtimeFor(dc.device, dc.threads),
      });
      let kl = 0;
      for (let i = 0; i < klPrompts.length; i += shape.N) {
        const rows = Math.min(shape.N, klPrompts.length - i);
        const pad = <A extends Float32Array | BigInt64Array>(a: A, fill: number | bigint): A => {
          const out = new (a.constructor as { new (n: number): A })(shape.N * T);
          if (fill) out.fill(fill as never);
          out.set(a.subarray(i * T, (i + rows) * T) as never);
          return out;
        };
        const feeds = {
          input_ids: pad(ro.inputIds, BigInt(tok.pad)),
          targets: pad(ro.targets, BigInt(tok.pad)),
          token_weight: pad(ro.mask, 0),
        };
        const lp = (await runner.run('logps', feeds)).logps;
        const lr = (await runner.run('ref', feeds)).logps;
        for (let k = 0; k < rows; k++) kl += (lp[k] as number) - (lr[k] as number);
      }
      return kl / klPrompts.length;
    };
    const evaluate = async (step: number): Promise<Record<string, number>> => {
      const seqs = data.val.flatMap((g) => g.seqs);
      const flat = await logpsOf(
        'logps',
        seqs,
        data.val.flatMap((g) => g.promptLens),
        mean,
      );
      let k = 0;
      const lp = data.val.map((g) => g.seqs.map(() => flat[k++]));
      const m = dpoMetrics(data.val, lp, data.val.map(refOf), lossOpts);
      const out: Record<string, number> = Object.fromEntries(Object.entries(m).map(([name, v]) => [`val_${name}`, v]));
      if (klPrompts.length && klNew >= 1) out.kl = await measureKl(step);
      return out;
    };

    const save = async (metrics: Record<string, number>): Promise<string> => {
      await hooks.beforeSave?.();
      const all = await runner.getState([...names, ...names.flatMap((n) => [`m.${n}`, `v.${n}`])]);
      const body: Record<string, Float32Array> = {};
      const opt: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(all)) (k.startsWith('m.') || k.startsWith('v.') ? opt : body)[k] = v as Float32Array;
      saveCheckpoint(dc.out, model, body, {
        optimizer: opt,
        trainerState: { step, metrics, dpoConfig: dc },
        tokenizer: init.tokenizerSave,
        bos: tok.bos,
        eos: tok.eos,
        keep: [REFERENCE_FILE],
      });
      return dc.out;
    };

    const events = progressEmitter((p) => hooks.onProgress?.(p), first, steps);
    let step = first;
    let last: Record<string, number> = {};
    let copyMs = NaN;
    const progress = (event: RLProgress['event'], metrics: Record<string, number>, checkpoint?: string) =>
      events.paced(event, step, metrics, { checkpoint, copyMs });

    /** The held-out prompts of `dc.samples` answered by the policy now ('samples' event). */
    const samples = async () => {
      if (!dc.samples.prompts.length) return;
      const weights = (await runner.getState(bodyNames)) as Record<string, Float32Array>;
      const out = await evalSamples(model, weights, tok, dc.samples, { runtime: runtimeFor(dc.device, dc.threads), thread: dc.worker });
      events.unpaced(step, { event: 'samples', metrics: {}, samples: out });
    };

    if (step < steps) events.unpaced(step, dataEvent(data.stats, 'DPO data', length));
    if (step === 0 && data.val.length) {
      progress('eval', await evaluate(0));
      await samples();
    }

    while (step < steps && !hooks.signal?.aborted) {
      const lr = getLr(step, { maxLr: dc.maxLr, minLr: dc.minLr, warmupSteps: dc.warmupSteps, decaySteps: steps });
      const groups = stepGroups(data.train, dc.batchSize, step, dc.seed);
      const refs = groups.map(refOf);
      const out = await runner.run('step', {
        ...dpoFeeds(groups, refs, shape, { pad: tok.pad, margin: dc.margin, mean }),
        lr: Float32Array.of(lr),
        step: Float32Array.of(step + 1),
      });
      let k = 0;
      const lp = groups.map((g) => g.seqs.map(() => out.logps[k++] as number));
      const m = dpoMetrics(groups, lp, refs, lossOpts);
      step++;
      if (Number.isNaN(copyMs)) copyMs = (await runner.stats('step')).copyMs;
      last = { ...m, loss: out.loss[0] as number, lr, grad_norm: out.grad_norm[0] as number };
      progress('step', last);
      if (dc.evalEvery && step % dc.evalEvery === 0 && step < steps && data.val.length) {
        progress('eval', await evaluate(step));
        await samples();
      }
      if (dc.saveEvery && step % dc.saveEvery === 0 && step < steps) progress('save', {}, await save(last));
    }

    const final = data.val.length ? await evaluate(step) : {};
    if (data.val.length) progress('eval', final);
    await samples(); // at the end even without a validation split
    progress('save', {}, await save(last));
    const metrics = { ...last, ...final };
    progress('done', metrics);
    return { out: dc.out, steps: step, metrics, referenceCached };
  } finally {
    await runner.dispose();
  }
}
