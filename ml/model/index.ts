export { ConfigError, gptConfig, paramCount, PRESETS, validateConfig, type GPTConfig, type PresetName } from './config';
export {
  attention,
  attentionBias,
  block,
  buildGPT,
  declareGPT,
  gptBody,
  gptTensorShapes,
  hiddenAt,
  lmHead,
  MASKED,
  type Attend,
  type BlockParams,
  type BodyOut,
  type BuildOptions,
  type GPTGraph,
  type GPTParams,
} from './gpt';
export { arangePositions, padBatch, type PaddedBatch } from './batch';
export { lmLossGraph, logitsModel, logprobsModel, type LMLoss } from './forward';
export { gptParamSpecs, initGPT } from './init';
export { gptParamDecls, type ParamDecl } from './params';
