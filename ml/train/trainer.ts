// trainLM: pretraining and SFT of the GPT-2 decoder with in-graph AdamW (warmup + cosine),
// gradient accumulation, validation loss, checkpoints every N steps and at the end, resume
// and early stop. The engine runs in a worker thread by default, so the caller's event loop
// (a web server) stays free; progress comes back through a callback.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { evalSamples } from '../generate/eval-samples';
import type { EvalSample } from '../generate/sample-spec';
import { loadCheckpoint, recoverCheckpoint, saveCheckpoint, type SaveOptions } from '../checkpoint/checkpoint';
import { ConfigError, gptConfig, type GPTConfig } from '../model/config';
import { lmLossGraph } from '../model/forward';
import { initGPT } from '../model/init';
import { initAdamWState } from '../optim/adamw';
import { getLr } from '../optim/schedules';
import { accName, gradientModel, optimizerModel, stepFeeds, stepName, trainStepModel } from '../optim/train-graph';
import type { FloatArray } from '../onnx/dtypes';
import { StateRunner, type Runner } from '../runtime/state-runner';
import { WorkerRunner } from '../runtime/worker-runner';
import { ByteTokenizer } from '../tokenizer/byte';
import { checkpointTokenizer } from '../tokenizer/index';
import type { Tokenizer } from '../tokenizer/types';
import { resolveTrainConfig, type TrainConfig } from './config';
import { stepsPerRunFor } from './steps-per-run';
import { paramCount } from '../model/params';
import { runtimeFor, trainingArena } from '../runtime/config';
import { chatDataset, readChatExamples, streamDataset, tokenStream, type ChatDataset, type LMDataset } from './data';
import { addStats, dataReport, refuseOverlong, type DataReport, type LengthSetting } from './truncate-report';

export interface TrainProgress {
  /**
   * 'data': once before the first step, what the truncation policy did to the SFT data (`data`).
   * 'samples': after each evaluation, the held-out prompts of `samples` answered (`samples`).
   */
  event: 'data' | 'step' | 'eval' | 'samples' | 'save' | 'done';
  step: number; // optimizer steps completed
  steps: number;
  loss: number; // training loss of this step (mean over micro-batches)
  lr: number;
  gradNorm: number;
  tokensPerSec: number; // tokens processed per second since start (or resume)
  /** Host↔device copy time of one engine run, ms (RunStats.copyMs: measured once, at the first run). */
  copyMs?: number;
  etaSec: number;
  valLoss?: number;
  checkpoint?: string;
  /** With 'data': the counts as run metrics, and one log line (a warning when anything was lost). */
  data?: DataReport;
  /** With 'samples': each held-out prompt and the model's answer at this step. */
  samples?: EvalSample[];
}

export interface TrainResult {
  out: string;
  step: number;
  loss: number;
  valLoss?: number;
  bestValLoss?: number;
  stoppedEarly: boolean;
  config: GPTConfig;
}

export interface TrainHooks {
  onProgress?: (p: TrainProgress) => void;
  /**
   * Awaited before each checkpoint is written: the worker stores the run's metrics there, so an attempt
   * killed after the checkpoint and resumed from it has lost none of the steps before it.
   */
  beforeSave?: () => Promise<void>;
  /** Aborting stops after the current step and writes a checkpoint. */
  signal?: AbortSignal;
}

interface TrainerState {
  step: number;
  bestValLoss: number | null;
  badEvals: number;
}

/** Trains per `config` (see TRAIN_DEFAULTS); layers are merged defaults < ... < last. */
export async function trainLM(config: Partial<TrainConfig>, hooks: TrainHooks = {}): Promise<TrainResult> {
  const tc = resolveTrainConfig(config);

  // ---- model, tokenizer and starting state ----
  let model: GPTConfig;
  let params: Record<string, Float32Array>;
  let moments: Record<string, FloatArray> | undefined;
  let state: TrainerState = { step: 0, bestValLoss: null, badEvals: 0 };
  let tok: Tokenizer;
  let tokenizerSave: SaveOptions['tokenizer'];
  if (tc.resume) recoverCheckpoint(tc.out); // a save cut short by a kill leaves the last complete one aside
  const resuming = tc.resume && existsSync(path.join(tc.out, 'trainer_state.json'));
  const from = resuming ? tc.out : tc.init;
  // The dropout the model declares: none from scratch; a folder's config.json may declare one (resid_pdrop).
  let declaredDropout = 0;
  const { dropout: dropoutOverride, ...shape } = tc.modelOverrides;
  if (from) {
    const ck = loadCheckpoint(from);
    model = ck.config;
    declaredDropout = ck.dropout;
    params = ck.params;
    tok = checkpointTokenizer(from, ck.tokenizer);
    tokenizerSave = ck.tokenizer === 'byte' ? 'byte' : { copyFrom: path.resolve(from) };
    if (resuming) {
      if (!ck.optimizer) throw new ConfigError(`resume: ${tc.out} has trainer_state.json but no optimizer.safetensors`);
      moments = ck.optimizer;
      state = { ...state, ...(ck.trainerState as Partial<TrainerState>) };
    }
  } else {
    model = gptConfig(tc.model, shape);
    params = initGPT(model, tc.seed);
    tok = new ByteTokenizer();
    tokenizerSave = 'byte';
  }
  // No graph applies dropout: a model that declares one trains only when modelOverrides.dropout says 0.
  const dropout = dropoutOverride ?? declaredDropout;
  if (dropout > 0) {
    throw new ConfigError(
      `model dropout ${dropout}${from && dropoutOverride === undefined ? ` (from ${path.join(from, 'config.json')})` : ''} is not supported by the trainer yet; set modelOverrides.dropout to 0`,
    );
  }
  if (model.vocabSize < tok.vocabSize) throw new ConfigError(`model vocabSize ${model.vocabSize} is smaller than the tokenizer's ${tok.vocabSize}`);
  if (tc.seqLen > model.nCtx) throw new ConfigError(`training config: seqLen ${tc.seqLen} exceeds the model's context nCtx = ${model.nCtx}`);

  // ---- data: fitted to seqLen (0: the context) by the truncation policy, refused when too much would be lost ----
  const length = tc.seqLen ? { field: 'seqLen', value: tc.seqLen, offset: 1 } : { field: 'the model context nCtx', value: model.nCtx, offset: 1 };
  const { train, val, report } = datasets(tc, tok, length);
  // SFT rows are as long as the longest fitted example needs
  const T =
    tc.mode === 'sft' ? Math.min(length.value, Math.max((train as ChatDataset).longest, (val as ChatDataset | undefined)?.longest ?? 0) - 1) : length.value;
  train.batch(tc.batchSize, T, 0, 0); // fail now, not after some steps, when the data is too short
  val?.batch(tc.batchSize, T, -1, 0);

  // ---- graphs ----
  const B = tc.batchSize;
  const adam = { beta1: tc.beta1, beta2: tc.beta2, weightDecay: tc.weightDecay, maxGradNorm: tc.maxGradNorm || undefined };
  const lm = lmLossGraph(model, B, T);
  const specs = lm.graph.paramList;
  const evalLm = lmLossGraph(model, B, T);
  const rt = runtimeFor(tc.device, tc.threads, { measureCopy: true, memArena: trainingArena(paramCount(model)) });
  const runner: Runner = tc.worker ? new WorkerRunner(rt) : new StateRunner(rt);
  try {
    const K = tc.gradAccum === 1 ? tc.stepsPerRun || stepsPerRunFor(tc.device, paramCount(model)) : 1;
    if (tc.gradAccum === 1) await runner.load('step', trainStepModel(lm.graph, { loss: lm.loss }, adam));
    if (K > 1) {
      const chained = lmLossGraph(model, B, T);
      await runner.load('steps', trainStepModel(chained.graph, { loss: chained.loss }, adam, K));
    }
    if (tc.gradAccum > 1) {
      await runner.load('grad', gradientModel(lm.graph, { loss: lm.loss }));
      await runner.load('update', optimizerModel(specs, { ...adam, gradScale: 1 / tc.gradAccum }));
    }
    await runner.load('eval', evalLm.graph.toModel({ outputs: { loss: evalLm.loss } }));
    const init: Record<string, FloatArray> = { ...params, ...(moments ?? initAdamWState(specs)) };
    if (tc.gradAccum > 1) for (const s of specs) init[accName(s.name)] = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    await runner.setState(init);

    const evaluate = async (): Promise<number | undefined> => {
      if (!val) return undefined;
      let sum = 0;
      for (let i = 0; i < tc.evalBatches; i++) {
        const { tokens: _t, ...feeds } = val.batch(B, T, -1 - i, 0); // fixed batches: comparable across evals
        sum += (await runner.run('eval', feeds)).loss[0] as number;
      }
      return sum / tc.evalBatches;
    };
    const save = async (): Promise<string> => {
      await hooks.beforeSave?.();
      const names = specs.map((s) => s.name);
      const all = await runner.getState([...names, ...names.flatMap((n) => [`m.${n}`, `v.${n}`])]);
      const p: Record<string, Float32Array> = {};
      const opt: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(all)) (k.startsWith('m.') || k.startsWith('v.') ? opt : p)[k] = v as Float32Array;
      saveCheckpoint(tc.out, model, p, { optimizer: opt, trainerState: { ...state, trainConfig: tc }, tokenizer: tokenizerSave, bos: tok.bos, eos: tok.eos });
      return tc.out;
    };

    const t0 = performance.now();
    const startStep = state.step;
    let tokensSeen = 0;
    let last = { loss: NaN, lr: 0, gradNorm: NaN };
    let copyMs = NaN;
    let valLoss: number | undefined;
    let stoppedEarly = false;
    const progress = (event: TrainProgress['event'], extra: Partial<TrainProgress> = {}) => {
      const secs = (performance.now() - t0) / 1000;
      const done = state.step - startStep;
      hooks.onProgress?.({
        event,
        step: state.step,
        steps: tc.steps,
        ...last,
        tokensPerSec: secs > 0 ? tokensSeen / secs : 0,
        ...(Number.isFinite(copyMs) ? { copyMs } : {}),
        etaSec: done > 0 ? (secs / done) * (tc.steps - state.step) : NaN,
        ...extra,
      });
    };

    if (report && state.step < tc.steps) progress('data', { data: report });

    const lrAt = (it: number) => getLr(it, { maxLr: tc.maxLr, minLr: tc.minLr, warmupSteps: tc.warmupSteps, decaySteps: tc.steps });
    const sched = (it: number) => ({ lr: new Float32Array([lrAt(it)]), step: new Float32Array([it + 1]) });
    // a run makes K steps when no evaluation, checkpoint or the end falls before its last one
    const boundary = (s: number) => s === tc.steps || (tc.evalEvery > 0 && s % tc.evalEvery === 0) || (tc.saveEvery > 0 && s % tc.saveEvery === 0);
    const stepsFrom = (it: number) => {
      if (K === 1 || it + K > tc.steps) return 1;
      for (let s = it + 1; s < it + K; s++) if (boundary(s)) return 1;
      return K;
    };

    while (state.step < tc.steps && !hooks.signal?.aborted) {
      const it = state.step;
      const n = stepsFrom(it);
      const results: Array<typeof last> = [];
      if (n > 1) {
        const feeds = Array.from({ length: n }, (_, k) => {
          const { tokens: _t, ...batch } = train.batch(B, T, it + k, 0);
          return { ...batch, ...sched(it + k) };
        });
        const out = await runner.run('steps', stepFeeds(feeds));
        for (let k = 0; k < n; k++)
          results.push({ loss: out[stepName('loss', k)][0] as number, lr: lrAt(it + k), gradNorm: out[stepName('grad_norm', k)][0] as number });
      } else if (tc.gradAccum === 1) {
        const { tokens: _t, ...feeds } = train.batch(B, T, it, 0);
        const out = await runner.run('step', { ...feeds, ...sched(it) });
        results.push({ loss: out.loss[0] as number, lr: lrAt(it), gradNorm: out.grad_norm[0] as number });
      } else {
        let lossSum = 0;
        for (let k = 0; k < tc.gradAccum; k++) {
          const { tokens: _t, ...feeds } = train.batch(B, T, it, k);
          lossSum += (await runner.run('grad', feeds)).loss[0] as number;
        }
        const gradNorm = (await runner.run('update', sched(it))).grad_norm[0] as number;
        results.push({ loss: lossSum / tc.gradAccum, lr: lrAt(it), gradNorm });
      }
      if (Number.isNaN(copyMs)) copyMs = (await runner.stats(n > 1 ? 'steps' : tc.gradAccum === 1 ? 'step' : 'grad')).copyMs;
      for (const r of results) {
        tokensSeen += B * T * tc.gradAccum;
        state.step++;
        last = r;
        progress('step');
      }

      const lastStep = state.step === tc.steps;
      if ((tc.evalEvery && state.step % tc.evalEvery === 0) || lastStep) {
        valLoss = await evaluate();
        if (valLoss !== undefined) {
          if (state.bestValLoss === null || valLoss < state.bestValLoss) {
            state.bestValLoss = valLoss;
            state.badEvals = 0;
          } else state.badEvals++;
          progress('eval', { valLoss });
          if (tc.patience && state.badEvals >= tc.patience) stoppedEarly = true;
        }
        if (tc.samples.prompts.length) {
          const weights = (await runner.getState(specs.map((s) => s.name))) as Record<string, Float32Array>;
          progress('samples', {
            samples: await evalSamples(model, weights, tok, tc.samples, { runtime: runtimeFor(tc.device, tc.threads), thread: tc.worker }),
          });
        }
      }
      if ((tc.saveEvery && state.step % tc.saveEvery === 0) || lastStep || stoppedEarly) progress('save', { checkpoint: await save() });
      if (stoppedEarly) break;
    }
    if (hooks.signal?.aborted && state.step < tc.steps) progress('save', { checkpoint: await save() });
    progress('done', { valLoss });
    return { out: tc.out, step: state.step, loss: last.loss, valLoss, bestValLoss: state.bestValLoss ?? undefined, stoppedEarly, config: model };
  } finally {
    await runner.dispose();
  }
}

function datasets(tc: TrainConfig, tok: Tokenizer, length: LengthSetting): { train: LMDataset; val?: LMDataset; report?: DataReport } {
  if (tc.mode === 'pretrain') {
    const stream = tokenStream(tok, tc.data);
    if (tc.valData.length)
      return { train: streamDataset(stream, tc.seed, 'training data'), val: streamDataset(tokenStream(tok, tc.valData), tc.seed, 'validation data') };
    const cut = Math.floor(stream.length * (1 - tc.valFraction));
    const val = tc.valFraction > 0 ? streamDataset(stream.slice(cut), tc.seed, 'validation split') : undefined;
    return { train: streamDataset(tc.valFraction > 0 ? stream.slice(0, cut) : stream, tc.seed, 'training data'), val };
  }
  const examples = readChatExamples(tc.data);
  const fit = { seqLen: length.value, overlong: tc.overlong };
  let train: ChatDataset;
  let val: ChatDataset | undefined;
  if (tc.valData.length) {
    train = chatDataset(tok, examples, tc.seed, fit);
    val = chatDataset(tok, readChatExamples(tc.valData), tc.seed, fit);
  } else {
    const nVal = tc.valFraction > 0 ? Math.max(1, Math.floor(examples.length * tc.valFraction)) : 0;
    if (nVal >= examples.length) throw new ConfigError(`SFT data: ${examples.length} examples leave none for training after the validation split`);
    train = chatDataset(tok, examples.slice(0, examples.length - nVal), tc.seed, fit);
    val = nVal ? chatDataset(tok, examples.slice(examples.length - nVal), tc.seed, fit) : undefined;
  }
  const stats = val ? addStats(train.stats, val.stats) : train.stats;
  if (val && !val.size) val = undefined; // every validation example skipped (counted in the report)
  refuseOverlong(stats, tc.maxOverlongShare, 'SFT data', length);
  return { train, val, report: dataReport(stats, 'SFT data', length) };
}
