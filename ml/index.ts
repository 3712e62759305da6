// Public API of the ML engine: sessions, trainers, generation, checkpoints. Loads onnxruntime-node
// (ml/runtime/ort.ts). Code that needs only the tables, config checks, the estimate or model-folder
// validation imports ml/light.ts instead, which this re-exports.

export type { AnyTypedArray, DType, FloatArray, FloatDType } from './onnx/dtypes';
export { IR_VERSION, OPSET_VERSION } from './onnx/proto';

export { Graph } from './graph/graph';
export { Value, type BuiltModel, type GraphOptions, type Init, type Node, type Operand, type ParamOptions, type ParamSpec } from './graph/core';
export { ShapeError, type Shape } from './graph/shape';

export { grad, GradError } from './autodiff/grad';
export { RULES, type GradRule } from './autodiff/rules';
export { unbroadcast } from './autodiff/unbroadcast';

export { adamw, initAdamWState, momentNames, type AdamWOptions } from './optim/adamw';
export { getLr, linearWarmup, type CosineSchedule } from './optim/schedules';
export { accName, gradientModel, optimizerModel, stepFeeds, stepName, trainStepModel, type LossSpec } from './optim/train-graph';

export { CUDA_MISSING, EngineError, runtimeFor, type Provider, type RuntimeConfig } from './runtime/config';
export { availableDevices, checkDevice, deviceName, parseDevice, type Device, type DeviceName, type DeviceProbe } from './runtime/device';
export { ORT_DIR, ORT_VERSION } from './runtime/ort';
export { initParams, normal, prng } from './runtime/init';
export { Session, sessionObservers, type Feeds, type RunStats } from './runtime/session';
export { NEXT, StateRunner, type Runner } from './runtime/state-runner';
export { WorkerRunner } from './runtime/worker-runner';
export { dpoPairLoss, maskedCrossEntropy, negLogSigmoid, pairwiseRewardLoss, ppoClippedLoss, type DPOLossOptions, type DPOPairs } from './losses';

// GPT-2 decoder: model, tokenizers, checkpoints.
export * from './model/index';
export * from './tokenizer/index';
export { loadCheckpoint, recoverCheckpoint, saveCheckpoint, hfConfig, configFromHf, type Checkpoint, type SaveOptions } from './checkpoint/checkpoint';
export { CheckpointError, decodeSafetensors, encodeSafetensors, readSafetensors, type NamedTensor } from './checkpoint/safetensors';
export * from './train/index';
export * from './generate/index';
export { exportOnnx, gpt2OnnxBytes } from './checkpoint/onnx-export';
export * from './rlhf/index';

// The light entry: hyperparameter tables, config checks, the estimate, model-folder validation.
export * from './light';
