export { resolveTrainConfig, TRAIN_DEFAULTS, TRAIN_FIELDS, type TrainConfig, type TrainWiring } from './config';
export { readConfigFile } from './config-file';
export { stepsPerRunFor } from './steps-per-run';
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
