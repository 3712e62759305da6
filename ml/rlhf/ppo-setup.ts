// Everything a PPO run needs before its first rollout, loaded and checked, so that bad input is
// refused with one sentence before any training: the policy (or the run being resumed), the
// frozen reference, the reward model's compatibility, the value model's initial weights, the
// prompts and the ptx data.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadCheckpoint, recoverCheckpoint, type SaveOptions } from '../checkpoint/checkpoint';
import { ConfigError, type GPTConfig } from '../model/config';
import { gptTensorShapes } from '../model/gpt';
import type { Tokenizer } from '../tokenizer/types';
import { TRAIN_DEFAULTS } from '../train/config';
import type { ChatDataset, LMDataset } from '../train/data';
import { emptyStats, refuseOverlong } from '../train/truncate-report';
import type { PPOConfig } from './ppo-config';
import { fitPrompts, ptxDataset, readPrompts } from './ppo-data';
import { dataEvent, type RLProgress } from './progress';
import { loadDecoder, readRewardHead } from './reward-checkpoint';
import { assertSameConfig, assertSameTokenizer } from './same-decoder';
import { V_HEAD } from './value-head';

/** Prefix of the value model's tensors in the saved training state. */
export const VALUE_PREFIX = 'value.';

export interface PPOProgressState {
  iteration: number; // iterations completed
  beta: number; // the KL controller's β
  updates: number; // optimizer steps taken (AdamW's step count)
}

export interface PPOSetup {
  config: GPTConfig;
  tok: Tokenizer;
  tokenizerSave: SaveOptions['tokenizer'];
  /** The SFT weights: the frozen reference policy. */
  ref: Record<string, Float32Array>;
  /** The policy runner's starting state: body params [+ v_head with a shared body] [+ AdamW moments when resuming]. */
  policyState: Record<string, Float32Array>;
  /** The separate value model (absent with sharedBody). */
  value?: { config: GPTConfig; state: Record<string, Float32Array> };
  /** Prompt ids, each cut (from the left) to leave maxNewTokens of the context free. */
  prompts: number[][];
  /** What the truncation policy did to the prompts (and the ptx examples): one 'data' event each. */
  data: Array<Pick<RLProgress, 'event' | 'metrics' | 'line'>>;
  /** Packed row length: longest prompt + maxNewTokens − 1. */
  T: number;
  ptx?: LMDataset;
  resumed?: PPOProgressState;
  /** The resumed run's last metrics. */
  resumedMetrics?: Record<string, number>;
}

const zeroHead = (C: number) => ({ [V_HEAD.weight]: new Float32Array(C), [V_HEAD.bias]: new Float32Array(1) });

export function setupPPO(tc: PPOConfig, o: { rewardHook: boolean }): PPOSetup {
  if (!tc.reward && !o.rewardHook) throw new ConfigError('PPO needs a reward: set `reward` to a reward model folder or pass hooks.reward');
  const sft = loadDecoder(tc.policy, 'policy');
  const config = sft.ck.config;
  const tok = sft.tok;
  if (sft.ck.dropout > 0)
    throw new ConfigError(`policy ${tc.policy} has dropout ${sft.ck.dropout}; PPO needs deterministic log-probabilities, set resid_pdrop etc. to 0`);

  // ---- reward model: same tokenizer ----
  let rm: ReturnType<typeof loadDecoder> | undefined;
  let rmHead: ReturnType<typeof readRewardHead> | undefined;
  if (tc.reward) {
    rm = loadDecoder(tc.reward, 'reward model');
    rmHead = readRewardHead(rm.ck, tc.reward);
    assertSameTokenizer({ config, tok }, { config: rm.ck.config, tok: rm.tok }, tc.reward);
  }

  // ---- prompts: prompt + maxNewTokens fit both contexts, prompts cut from the left (the truncation policy) ----
  // A response cut at maxNewTokens is scored with the eos the scorer adds (ppo-loop), one token more
  // than was generated: the reward model's context must hold prompt + maxNewTokens + 1, or its cut
  // (the last nCtx tokens) would drop bos, which its trainer never does.
  const maxTokens = Math.min(config.nCtx, rm ? rm.ck.config.nCtx - 1 : Infinity);
  const promptStats = emptyStats('prompts');
  const prompts = fitPrompts(tok, readPrompts(tc.prompts), { maxTokens, maxNewTokens: tc.maxNewTokens, stats: promptStats });
  const promptLength = { field: 'nCtx − maxNewTokens', value: maxTokens - tc.maxNewTokens, offset: tc.maxNewTokens };
  const longest = Math.max(...prompts.map((p) => p.length));
  const T = longest + tc.maxNewTokens - 1;

  // ---- resume: the policy and training state from `out` ----
  let resumed: PPOProgressState | undefined;
  let resumedMetrics: Record<string, number> | undefined;
  let saved: Record<string, Float32Array> | undefined;
  let policyParams = sft.ck.params;
  if (tc.resume) recoverCheckpoint(tc.out); // a save cut short by a kill leaves the last complete one aside
  if (tc.resume && existsSync(path.join(tc.out, 'trainer_state.json'))) {
    const ck = loadCheckpoint(tc.out);
    const ppo = ck.trainerState?.ppo as PPOProgressState | undefined;
    if (!ppo || !ck.optimizer)
      throw new ConfigError(`resume: ${tc.out} holds no PPO training state (trainer_state.json without "ppo", or no optimizer.safetensors)`);
    assertSameConfig(config, ck.config, `the reference policy ${tc.policy} and the policy in ${tc.out}`);
    resumed = ppo;
    resumedMetrics = ck.trainerState?.metrics as Record<string, number> | undefined;
    saved = ck.optimizer;
    policyParams = ck.params;
  }
  // saved training state: the policy runner's tensors as they are, the value model's under VALUE_PREFIX
  const restored = (forValue: boolean): Record<string, Float32Array> => {
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(saved ?? {})) {
      if (forValue && k.startsWith(VALUE_PREFIX)) out[k.slice(VALUE_PREFIX.length)] = v;
      else if (!forValue && !k.startsWith(VALUE_PREFIX)) out[k] = v;
    }
    return out;
  };

  // ---- the value model ----
  // a group baseline (rloo, grpo) needs no value model, shared or separate
  const critic = tc.advantage === 'gae';
  const policyState: Record<string, Float32Array> = { ...policyParams, ...(tc.sharedBody && critic ? zeroHead(config.nEmbd) : {}), ...restored(false) };
  let value: PPOSetup['value'];
  if (!tc.sharedBody && critic) {
    let state: Record<string, Float32Array>;
    let vc = config;
    if (tc.valueInit === 'reward' && rm && rmHead) {
      // InstructGPT: body and head from the reward model; the head is rescaled so that it
      // predicts the normalised score: V = (h·w + b − shift) / scale
      const { shift, scale } = rmHead.norm;
      vc = rm.ck.config;
      state = {
        ...rm.ck.params,
        [V_HEAD.weight]: rmHead.head.weight.map((w) => w / scale),
        [V_HEAD.bias]: Float32Array.of((rmHead.head.bias[0] - shift) / scale),
      };
    } else state = { ...copy(sft.ck.params), ...zeroHead(config.nEmbd) };
    if (T > vc.nCtx) throw new ConfigError(`PPO config: rollouts of ${T} positions exceed the value model's context nCtx = ${vc.nCtx}`);
    if (saved) {
      const r = restored(true);
      for (const [name, shape] of gptTensorShapes(vc))
        if (r[name]?.length !== shape.reduce((a, b) => a * b, 1))
          throw new ConfigError(`resume: ${tc.out} holds no value model weights for ${name} that fit ${tc.valueInit === 'reward' ? tc.reward : tc.policy}`);
      state = r;
    }
    value = { config: vc, state };
  }

  const ptx = tc.ptxCoef > 0 ? ptxDataset(tok, tc.ptxData, tc.seed, T) : undefined;
  const ptxStats = ptx && 'stats' in ptx ? (ptx as ChatDataset).stats : undefined;
  const ptxLength = { field: 'the rollout length', value: T, offset: 1 };
  if (ptxStats) refuseOverlong(ptxStats, TRAIN_DEFAULTS.maxOverlongShare, 'PPO-ptx data', ptxLength);
  ptx?.batch(tc.miniBatch, T, 0, 0); // fail now, not mid-run, when the data is too short

  const data = [dataEvent(promptStats, 'PPO prompts', promptLength), ...(ptxStats ? [{ ...dataEvent(ptxStats, 'PPO-ptx data', ptxLength), metrics: {} }] : [])];
  return { config, tok, tokenizerSave: sft.tokenizerSave, ref: sft.ck.params, policyState, value, prompts, T, ptx, data, resumed, resumedMetrics };
}

function copy(params: Record<string, Float32Array>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.slice()]));
}
