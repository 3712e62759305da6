// The reward model: the GPT-2 body (no lm head) and a scalar head read at each sequence's last
// real token (the eos): r = h_eos · score.weight + score.bias. The training graph adds the
// pairwise loss Σ w·(−log σ(r_win − r_lose − m)) + centerCoef · Σ seq_weight · r².

import type { BuiltModel, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import type { FloatDType } from '../onnx/dtypes';
import type { GPTConfig } from '../model/config';
import { attentionBias, declareGPT, gptBody, hiddenAt } from '../model/gpt';
import type { BatchShape } from './reward-batch';

export interface ScoreHead {
  weight: Value; // (C, 1)
  bias: Value; // (1)
}

/** score.weight ~ N(0, 1/(C + 1)) (Stiennon et al.), score.bias = 0. */
export function declareScoreHead(g: Graph, C: number): ScoreHead {
  return {
    weight: g.param('score.weight', [C, 1], { init: { kind: 'normal', std: 1 / Math.sqrt(C + 1) } }),
    bias: g.param('score.bias', [1], { init: { kind: 'zeros' } }),
  };
}

/** Rewards (N) from hidden states (N, T, C) at `lastIndex` (int64 (N)). */
export function rewardHead(g: Graph, hidden: Value, lastIndex: Value, head: ScoreHead): Value {
  const N = hidden.shape[0];
  const h = hiddenAt(g, hidden, lastIndex); // (N, C)
  return g.reshape(g.add(g.matmul(h, head.weight), head.bias), [N]); // (N, 1) → (N)
}

export interface PairLossInputs {
  win: Value; // int64 (P): index of the better sequence
  lose: Value; // int64 (P)
  weight: Value; // (P): sums to 1 over the batch, 0 on padding pairs
  margin?: Value; // (P)
  /** (N): 1/#real sequences on real rows, 0 on padding (for the centring term). */
  seqWeight?: Value;
  centerCoef?: number;
}

/** Σ_p w_p·(−log σ(r_win − r_lose − m)) [+ centerCoef·Σ_n sw_n·r_n²], −log σ(x) = relu(−x) + log(1 + e^−|x|). */
export function rewardPairLoss(g: Graph, rewards: Value, o: PairLossInputs): Value {
  let x = g.sub(g.gather(rewards, o.win, 0), g.gather(rewards, o.lose, 0)); // (P)
  if (o.margin) x = g.sub(x, o.margin);
  const perPair = g.add(g.relu(g.neg(x)), g.log(g.add(1, g.exp(g.neg(g.abs(x)))))); // (P)
  const loss = g.reduceSum(g.mul(perPair, o.weight));
  if (!o.centerCoef || !o.seqWeight) return loss;
  return g.add(loss, g.mul(g.reduceSum(g.mul(g.mul(rewards, rewards), o.seqWeight)), o.centerCoef));
}

interface RewardGraph {
  graph: Graph;
  head: ScoreHead;
  rewards: Value; // (N)
}

/** Inputs input_ids (N, T) (right-padded: positions 0 … T−1 in every row), last_index (N) → rewards (N). */
export function rewardGraph(c: GPTConfig, N: number, T: number, dtype: FloatDType = 'float32'): RewardGraph {
  const g = new Graph({ name: 'gpt2_reward', dtype });
  const params = declareGPT(g, c);
  const head = declareScoreHead(g, c.nEmbd);
  const inputIds = g.input('input_ids', 'int64', [N, T]);
  const last = g.input('last_index', 'int64', [N]);
  // right padding: causal attention alone is exact at every real token, and positions are 0 … T−1 in
  // every row ('arange': wpe's gradient is a sum over the batch, not a scatter-add)
  const { hidden } = gptBody(g, c, params, inputIds, 'arange', attentionBias(g, T)); // (N, T, C)
  return { graph: g, head, rewards: rewardHead(g, hidden, last, head) };
}

/** The scoring model: output `rewards` (N). */
export function rewardsModel(c: GPTConfig, N: number, T: number): BuiltModel {
  const m = rewardGraph(c, N, T);
  return m.graph.toModel({ outputs: { rewards: m.rewards } });
}

export interface RewardLoss extends RewardGraph {
  loss: Value;
}

/** The training graph: rewardGraph plus inputs pair_win, pair_lose, pair_weight (P), pair_margin (P) and seq_weight (N) when asked. */
export function rewardLossGraph(c: GPTConfig, s: BatchShape, o: { margin: boolean; centerCoef: number }): RewardLoss {
  const m = rewardGraph(c, s.N, s.T);
  const g = m.graph;
  const loss = rewardPairLoss(g, m.rewards, {
    win: g.input('pair_win', 'int64', [s.P]),
    lose: g.input('pair_lose', 'int64', [s.P]),
    weight: g.input('pair_weight', g.dtype, [s.P]),
    margin: o.margin ? g.input('pair_margin', g.dtype, [s.P]) : undefined,
    seqWeight: o.centerCoef ? g.input('seq_weight', g.dtype, [s.N]) : undefined,
    centerCoef: o.centerCoef,
  });
  return { ...m, loss };
}
