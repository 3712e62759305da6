export { readConfigFile, resolveTrainConfig, stepsPerRunFor, TRAIN_DEFAULTS, type TrainConfig } from './config';
export { chatDataset, readChatExamples, streamDataset, tokenStream, type ChatDataset, type LMBatch, type LMDataset } from './data';
export { trainLM, type TrainHooks, type TrainProgress, type TrainResult } from './trainer';
export { fitChat, splitResponse, type FitOptions, type FittedChat, type Overlong } from './truncate';
export {
  addStats,
  dataReport,
  emptyStats,
  refuseOverlong,
  tally,
  truncationLine,
  truncationMetrics,
  type DataReport,
  type LengthSetting,
  type TruncationStats,
} from './truncate-report';
