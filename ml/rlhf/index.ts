// RLHF: the reward model (reward-*) and PPO (ppo-*). Append-only: each part adds its own exports.

export { fmtMetrics, rlProgressPrinter, type RLProgress } from './progress';
export { REWARD_DEFAULTS, REWARD_FIELDS, resolveRewardConfig, type RewardConfig, type RewardWiring } from './reward-config';
export { completionOf, promptOf, readPairs, readRankings, readReference, rewardInput, type Comparison, type RewardGroup } from './reward-data';
export { loadRewardData, splitByPrompt, winners, type RewardData } from './reward-dataset';
export { batchShape, groupFeeds, meanStd, pairMetrics, sequenceFeeds, type BatchShape, type PairMetrics, type RewardFeeds } from './reward-batch';
export { declareScoreHead, rewardGraph, rewardHead, rewardLossGraph, rewardPairLoss, rewardsModel, type PairLossInputs, type ScoreHead } from './reward-model';
export { loadDecoder, readRewardHead, saveRewardModel, type Decoder, type RewardHeadTensors, type RewardNorm } from './reward-checkpoint';
export { RewardScorer } from './reward-scorer';
export { trainRewardModel, type RewardHooks, type RewardResult } from './reward-trainer';
// PPO
export { PPO_DEFAULTS, PPO_FIELDS, resolvePPOConfig, type PPOConfig, type PPOWiring } from './ppo-config';
export { trainPPO, type PPOHooks } from './ppo-trainer';
export { runPPO, type PPOIO, type PPOResult, type RewardFn, type RewardSample } from './ppo-loop';
export { setupPPO, type PPOSetup } from './ppo-setup';
export { finalScores, gae, maskedMoments, tokenRewards, whiten, type Advantages, type TokenRewards } from './gae';
export { AdaptiveKLController, FixedKLController, klController, type KLController } from './kl-controller';
export { clippedValueLoss, declareValueHead, maskedMean, valueClipFraction, valueHead, V_HEAD, type ValueHead } from './value-head';
export { ppoPtxLoss, ppoUpdateStats, tokenEntropy, tokenLogprobs } from './ppo-losses';
export { policyScoreModel, policyStepModel, valueScoreModel, valueStepModel } from './ppo-graphs';
export { packRollout, rollout, takeRows, type Rollout } from './rollout';
export { drawPrompts, encodePrompts, fitPrompts, mixSeed, ptxDataset, readPrompts, shuffled } from './ppo-data';
// DPO
export { DPO_DEFAULTS, DPO_FIELDS, resolveDPOConfig, type DPOConfig, type DPOWiring } from './dpo-config';
export { loadDPOData, type DPOData } from './dpo-data';
export { dpoMetrics, dpoPairTerm, type DPOMetrics } from './dpo-metrics';
export { dpoFeeds, dpoLogpsModel, dpoStepModel, logpFeeds, sequenceLogps, splitPairs } from './dpo-model';
export { REFERENCE_FILE, readReferenceCache, referenceKey, writeReferenceCache, type ReferenceLogps } from './dpo-reference';
export { trainDPO, type DPOHooks, type DPOResult } from './dpo-trainer';
// group baselines (RLOO, GRPO)
export { groupAdvantages, tokenAdvantages, type GroupAdvantage } from './group-baseline';
// best-of-N
export { bestOfN, bestOfNDistill, type BestOfNOptions, type BestOfNPick, type DistillConfig, type DistillResult } from './best-of-n';
// a DPO reference checked before a run is queued
export { assertReferenceFits, assertSameConfig, assertSameTokenizer, decoderIdentity } from './same-decoder';
