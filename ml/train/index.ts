export { readConfigFile, resolveTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './config';
export { chatDataset, readChatExamples, streamDataset, tokenStream, type LMBatch, type LMDataset } from './data';
export { trainLM, type TrainHooks, type TrainProgress, type TrainResult } from './trainer';
