// The light entry of the ML engine: what lib/, app/ and the web server need without the native
// engine. Hyperparameter tables and config types, config checks, the memory/time estimate, Hugging
// Face config parsing, model-folder validation, reading a checkpoint and writing its ONNX file
// (plain TypeScript over the graph builder). Nothing here loads onnxruntime-node (ml/runtime/ort.ts),
// so a page, a form's validation, a model import or the ONNX-export child never starts it. It may use
// node: modules; its Node-free part is ml/browser.ts (re-exported here), for code that also runs in
// the browser. ml/index.ts (the engine) re-exports all of it; tests/tooling/ml-entries.test.ts checks it.

export * from './browser';
export { ConfigError } from './model/config';
export { configFromHf, loadCheckpoint } from './checkpoint/checkpoint';
export { exportOnnx } from './checkpoint/onnx-export';
export { MODEL_FOLDER_FILES, ModelFolderError, validateModelFolder, type ModelFolderInfo } from './checkpoint/validate';
export { assertReferenceFits } from './rlhf/same-decoder';
