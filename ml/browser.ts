// The part of the ML engine's light entry (ml/light.ts) that a browser bundle may load: the
// trainers' hyperparameter tables and what reads them, GPT sizes and the run estimate. Nothing here
// imports node: modules or onnxruntime (the new-run form renders from these tables). ml/light.ts
// re-exports all of it; code that also runs in the browser imports from here, server code from
// ml/light.ts (no onnxruntime) or ml/index.ts (the engine). tests/tooling/ml-entries.test.ts checks it.

export {
  above,
  atLeast,
  atMost,
  below,
  checkFields,
  defaultsOf,
  fieldAccepts,
  requirement,
  type Bound,
  type ConfigOf,
  type FieldSpec,
  type FieldTable,
  type NumberField,
  type Visibility,
} from './hparams';
export { TRAIN_FIELDS } from './train/config';
export { REWARD_FIELDS } from './rlhf/reward-config';
export { PPO_FIELDS } from './rlhf/ppo-config';
export { DPO_FIELDS } from './rlhf/dpo-config';
// GPT sizes and the memory/time estimate the new-run form shows (plain arithmetic).
export { paramCount, PRESETS, type GPTConfig } from './model/config';
export { estimateRun, fmtBytes, fmtCount, type Estimate } from './model/estimate';
