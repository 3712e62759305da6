// The part of the ML engine's public API that a browser bundle may load: the trainers'
// hyperparameter tables and what reads them. Nothing here imports node: modules or onnxruntime
// (the new-run form renders from these tables). ml/index.ts re-exports all of it; server code
// imports from ml/index.ts, code that also runs in the browser from here.

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
export { fmtBytes, fmtCount, type Estimate } from './model/estimate';
