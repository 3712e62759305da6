// Every ONNX op the graph builder emits. The gradient table (ml/autodiff/rules.ts) is a
// Record<OpType, GradEntry>, so an op added here without a rule fails to compile.

/** @public the list the OpType union is read from. */
export const OP_TYPES = [
  // arithmetic and unary math
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Neg',
  'Abs',
  'Exp',
  'Log',
  'Sqrt',
  'Tanh',
  'Sigmoid',
  'Relu',
  'Gelu',
  'Sign',
  'Max',
  'Min',
  'Clip',
  'Sum',
  // comparisons and selection
  'Equal',
  'Greater',
  'Less',
  'Where',
  // reductions
  'ReduceSum',
  'ReduceMean',
  'ReduceMax',
  'ReduceSumSquare',
  'CumSum',
  // linear algebra and normalisation
  'MatMul',
  'Gemm',
  'FusedMatMul', // com.microsoft (OP_DOMAIN)
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  // shape and data movement
  'Cast',
  'Identity',
  'Reshape',
  'Transpose',
  'Expand',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Split',
  'Slice',
  'Pad',
  'Trilu',
  // indexing
  'Gather',
  'GatherElements',
  'GatherND',
  'ScatterElements',
  'ScatterND',
] as const;

export type OpType = (typeof OP_TYPES)[number];

/**
 * Ops outside the ONNX domain: onnxruntime's contrib kernels (the CPU build registers the forward
 * ones, not their gradients). A graph built with `contribOps: false` never emits them.
 */
export const OP_DOMAIN: Partial<Record<OpType, string>> = { FusedMatMul: 'com.microsoft' };
