// The PPO loop, run in whichever thread calls it (trainPPO puts it in a worker thread):
//   rollout (KV-cache sampling at temperature T) → score (reward model or hooks.reward)
//   → old log-probs, reference log-probs and values from the training graphs' forward pass
//   → per-token rewards (−β·KL, score on the last token) → GAE → whitened advantages
//   → ppoEpochs passes of shuffled minibatches (policy step, value step) → KL controller.
// Every random draw derives from (seed, iteration), so a resumed run replays an uninterrupted one.

import { saveCheckpoint } from '../checkpoint/checkpoint';
import { evalSamples } from '../generate/eval-samples';
import { gptTensorShapes } from '../model/gpt';
import type { BuiltModel } from '../graph/core';
import { initAdamWState } from '../optim/adamw';
import { runtimeFor } from '../runtime/config';
import { prng } from '../runtime/init';
import { StateRunner } from '../runtime/state-runner';
import type { Feeds } from '../runtime/session';
import { finalScores, gae, maskedMoments, tokenRewards, whiten } from './gae';
import { klController } from './kl-controller';
import type { PPOConfig } from './ppo-config';
import { groupAdvantages, tokenAdvantages } from './group-baseline';
import { drawPrompts, mixSeed, shuffled } from './ppo-data';
import { policyScoreModel, policyStepModel, valueScoreModel, valueStepModel } from './ppo-graphs';
import { setupPPO, VALUE_PREFIX, type PPOProgressState } from './ppo-setup';
import { progressEmitter, type RLProgress } from './progress';
import { RewardScorer } from './reward-scorer';
import { rollout, takeRows } from './rollout';

export interface RewardSample {
  prompt: number[];
  response: number[];
  finished: boolean;
}
/** Scores (treated as normalised reward-model scores), one per sample. */
export type RewardFn = (samples: RewardSample[]) => Promise<number[]>;

export interface PPOResult {
  out: string;
  iterations: number;
  /** The last iteration's metrics. */
  metrics: Record<string, number>;
}

/** What the loop needs from its caller: progress out, optional reward function, abort flag. */
export interface PPOIO {
  progress(p: RLProgress): void;
  reward?: RewardFn;
  aborted(): boolean;
  /** Awaited before each checkpoint is written (RLHooks.beforeSave). */
  beforeSave?: () => Promise<void>;
}

const f32 = (x: number) => Float32Array.of(x);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Zero AdamW moments for the model's parameters that have none in `state`. */
function withMoments(state: Record<string, Float32Array>, model: BuiltModel): Record<string, Float32Array> {
  return { ...(initAdamWState(model.params) as Record<string, Float32Array>), ...state };
}

export async function runPPO(tc: PPOConfig, io: PPOIO): Promise<PPOResult> {
  const s = setupPPO(tc, { rewardHook: !!io.reward });
  const { config: c, tok, T } = s;
  const B = tc.rolloutBatch;
  const M = tc.miniBatch;
  // no memory arenas: PPO's sessions (policy step and score, reference, value step and score, reward
  // model, rollout) take turns, so without them they share one peak instead of each keeping its own
  // (GPT-2 1 layer × 768, vocabulary 50,257: 8.7 GiB peak RSS with arenas, 4.3 GiB without)
  const rt = runtimeFor(tc.device, tc.threads, { memArena: false });
  const policy = new StateRunner({ ...rt, measureCopy: true });
  const value = s.value ? new StateRunner(rt) : undefined;
  let scorer: RewardScorer | undefined;
  try {
    // ---- models and starting state ----
    const group = tc.advantage === 'gae' ? 0 : tc.groupSize; // k answers per prompt, no value model
    const shared = tc.sharedBody && !group;
    const pOpts = { temperature: tc.temperature, sharedHead: shared };
    const pStep = policyStepModel(c, M, T, {
      ...pOpts,
      clipEps: tc.clipEps,
      maxGradNorm: tc.maxGradNorm,
      valueClip: tc.valueClip,
      vfCoef: tc.vfCoef,
      ptxCoef: tc.ptxCoef,
    });
    await policy.load('step', pStep);
    await policy.load('score', policyScoreModel(c, M, T, pOpts));
    await policy.load('ref', policyScoreModel(c, M, T, { temperature: tc.temperature, frozen: s.ref }));
    await policy.setState(withMoments(s.policyState, pStep));
    if (value && s.value) {
      const vStep = valueStepModel(s.value.config, M, T, { valueClip: tc.valueClip, maxGradNorm: tc.maxGradNorm });
      await value.load('step', vStep);
      await value.load('score', valueScoreModel(s.value.config, M, T));
      await value.setState(withMoments(s.value.state, vStep));
    }
    // the runners and the reference session hold their own copies now: let the loaded ones go
    s.ref = {};
    s.policyState = {};
    if (s.value) s.value.state = {};
    if (!io.reward) scorer = await RewardScorer.load(tc.reward!, rt);
    const state: PPOProgressState = s.resumed ? { ...s.resumed } : { iteration: 0, beta: tc.beta, updates: 0 };
    const kl = klController(state.beta, tc.klTarget, tc.klHorizon);
    const bodyNames = gptTensorShapes(c).map(([n]) => n);

    const save = async (metrics: Record<string, number>): Promise<string> => {
      await io.beforeSave?.();
      // the state as it is (no copies: at 124M the policy's and the value model's state are 3 GB)
      const all = policy.peekAll() as Record<string, Float32Array>;
      const body: Record<string, Float32Array> = {};
      for (const n of bodyNames) body[n] = all[n];
      const rest: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(all)) if (!(k in body)) rest[k] = v;
      if (value) for (const [k, v] of Object.entries(value.peekAll())) rest[VALUE_PREFIX + k] = v as Float32Array;
      const trainerState = { ppo: state, metrics, config: tc };
      saveCheckpoint(tc.out, c, body, { optimizer: rest, trainerState, tokenizer: s.tokenizerSave, bos: tok.bos, eos: tok.eos });
      return tc.out;
    };

    const startIt = state.iteration;
    const events = progressEmitter((p) => io.progress(p), startIt, tc.iterations);
    let metrics: Record<string, number> = s.resumedMetrics ?? {};
    let copyMs = NaN;
    let cost: RLProgress['cost'];
    const progress = (event: RLProgress['event'], checkpoint?: string) => events.paced(event, state.iteration, metrics, { checkpoint, copyMs, cost });

    if (state.iteration < tc.iterations) for (const d of s.data) events.unpaced(state.iteration, d);

    while (state.iteration < tc.iterations && !io.aborted()) {
      const it = state.iteration;
      const itStart = performance.now();
      // ---- rollout (with a group baseline: B / k prompts, each k times in consecutive rows) ----
      const drawn = drawPrompts(s.prompts.length, group ? B / group : B, prng(mixSeed(tc.seed, it, 1)));
      const prompts = (group ? drawn.flatMap((i) => Array<number>(group).fill(i)) : drawn).map((i) => s.prompts[i]);
      const weights: Record<string, Float32Array> = {};
      for (const n of bodyNames) weights[n] = policy.peek(n) as Float32Array;
      const ro = await rollout(c, weights, prompts, {
        maxNewTokens: tc.maxNewTokens,
        temperature: tc.temperature,
        eos: tok.eos,
        pad: tok.pad,
        seed: mixSeed(tc.seed, it, 2),
        T,
        runtime: rt,
      });
      const samples = prompts.map((prompt, b) => ({ prompt, response: ro.responses[b], finished: ro.finished[b] }));
      const scores = io.reward
        ? await io.reward(samples)
        : await scorer!.score(samples.map((x) => [...x.prompt, ...x.response, ...(x.finished ? [] : [tok.eos])]));
      if (scores.length !== B || !scores.every(Number.isFinite))
        throw new Error(`the reward gave ${scores.length} scores for ${B} responses, or a score that is not a finite number`);

      // ---- forward passes over the rollout: old log-probs, reference log-probs, values ----
      const logp = new Float32Array(B * T);
      const refLogp = new Float32Array(B * T);
      const values = new Float32Array(B * T);
      const entropy = new Float32Array(B * T);
      for (let k = 0; k < B; k += M) {
        const part = (a: Float32Array | BigInt64Array) => a.slice(k * T, (k + M) * T);
        const feeds: Feeds = { input_ids: part(ro.inputIds), position_ids: part(ro.positionIds), targets: part(ro.targets), mask: part(ro.mask) };
        const out = await policy.run('score', feeds);
        logp.set(out.logprobs as Float32Array, k * T);
        entropy.set(out.entropy as Float32Array, k * T);
        refLogp.set((await policy.run('ref', feeds)).logprobs as Float32Array, k * T);
        if (value) values.set((await value.run('score', feeds)).values as Float32Array, k * T);
        else if (shared) values.set(out.values as Float32Array, k * T);
      }

      // ---- rewards, advantages ----
      const final = finalScores(scores, ro.finished, tc.noEosPenalty, tc.rewardClip);
      const beta = kl.value;
      const tr = tokenRewards(logp, refLogp, ro.mask, final, beta, T);
      let advantages: Float32Array;
      let returns = new Float32Array(0);
      if (group) {
        // sequence reward: score − β·KL; the baseline from the other answers to the same prompt
        const seqReward = final.map((x, b) => x - beta * tr.kl[b]);
        advantages = tokenAdvantages(groupAdvantages(seqReward, group, tc.advantage as 'rloo' | 'grpo'), ro.mask, T);
      } else {
        const est = gae(tr.rewards, values, ro.mask, T, tc.gamma, tc.lam);
        advantages = Float32Array.from(tc.whitenAdvantages ? whiten(est.advantages, ro.mask) : est.advantages);
        returns = Float32Array.from(est.returns);
      }

      // ---- PPO epochs over shuffled minibatches ----
      const sums: Record<string, number[]> = {};
      const add = (out: Feeds, keys: string[]) => keys.forEach((key) => out[key] && (sums[key] ??= []).push(out[key][0] as number));
      for (let epoch = 0; epoch < tc.ppoEpochs; epoch++) {
        const order = shuffled(B, prng(mixSeed(tc.seed, it, 3 + epoch)));
        for (let k = 0; k < B; k += M) {
          const rows = order.slice(k, k + M);
          const base: Feeds = {
            input_ids: takeRows(ro.inputIds, rows, T),
            position_ids: takeRows(ro.positionIds, rows, T),
            targets: takeRows(ro.targets, rows, T),
            mask: takeRows(ro.mask, rows, T),
          };
          const critic: Feeds = group ? {} : { old_values: takeRows(values, rows, T), returns: takeRows(returns, rows, T) };
          state.updates++;
          const feeds: Feeds = {
            ...base,
            old_logprobs: takeRows(logp, rows, T),
            advantages: takeRows(advantages, rows, T),
            lr: f32(tc.lr),
            step: f32(state.updates),
          };
          if (shared) Object.assign(feeds, critic);
          if (s.ptx) {
            const p = s.ptx.batch(M, T, state.updates, 0);
            Object.assign(feeds, { ptx_input_ids: p.input_ids, ptx_position_ids: p.position_ids, ptx_targets: p.targets, ptx_mask: p.loss_mask });
          }
          add(await policy.run('step', feeds), ['policy_loss', 'clip_frac', 'approx_kl', 'value_loss', 'value_clip_frac', 'ptx_loss']);
          if (value) {
            const v = await value.run('step', { ...base, ...critic, lr: f32(tc.valueLr ?? tc.lr), step: f32(state.updates) });
            add({ value_loss: v.loss, value_clip_frac: v.value_clip_frac }, ['value_loss', 'value_clip_frac']);
          }
        }
      }

      // ---- metrics, KL controller, checkpoint ----
      const score = mean(scores);
      const meanKl = mean(tr.kl);
      metrics = {
        score,
        kl: meanKl,
        objective: score - beta * meanKl,
        beta,
        entropy: maskedMoments(entropy, ro.mask).mean,
        response_length: mean(ro.responses.map((r) => r.length)),
        no_eos_frac: ro.finished.filter((x) => !x).length / B,
        ...Object.fromEntries(Object.entries(sums).map(([k, xs]) => [k, mean(xs)])),
      };
      // the iteration's cost (beside the metrics, which a resumed run replays to the bit)
      cost = { iterSec: (performance.now() - itStart) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
      kl.update(meanKl, B);
      state.beta = kl.value;
      state.iteration = it + 1;
      copyMs = (await policy.stats('step')).copyMs;
      progress('step');
      if ((tc.saveEvery && state.iteration % tc.saveEvery === 0) || state.iteration === tc.iterations) {
        if (tc.samples.prompts.length) {
          // PPO has no validation pass: the held-out prompts are answered at each checkpoint (this thread is already off the caller's)
          for (const n of bodyNames) weights[n] = policy.peek(n) as Float32Array;
          events.unpaced(state.iteration, { event: 'samples', metrics: {}, samples: await evalSamples(c, weights, tok, tc.samples, { runtime: rt }) });
        }
        progress('save', await save(metrics));
      }
      await new Promise((r) => setImmediate(r)); // let an abort message in (worker thread)
    }
    if (io.aborted() && state.iteration < tc.iterations && state.iteration > startIt) progress('save', await save(metrics));
    progress('done');
    return { out: tc.out, iterations: state.iteration, metrics };
  } finally {
    await policy.dispose();
    await value?.dispose();
    await scorer?.dispose();
  }
}
