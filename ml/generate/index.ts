export { generate, GenerationError, Generator, type GenerateOptions, type Generation } from './generator';
export { pastKey, pastValue, prefillModel, presentKey, presentValue, stepModel } from './graphs';
export { sampleToken, type Sampled, type SamplingOptions } from './sample';
export { scoreTokens } from './score';
export { GeneratorWorker } from './worker-generator';
export { evalSamples } from './eval-samples';
export { promptText, resolveSampleSpec, SAMPLE_DEFAULTS, type EvalSample, type SampleSpec } from './sample-spec';
