// The tensor element types the engine builds with, and their ONNX and JS counterparts.

export type DType = 'float32' | 'float64' | 'int64' | 'bool';
export type FloatDType = 'float32' | 'float64';

/** TensorProto.DataType values (onnx.proto). */
export const ONNX_DTYPE: Record<DType, number> = {
  float32: 1,
  int64: 7,
  bool: 9,
  float64: 11,
};

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  float64: 8,
  int64: 8,
  bool: 1,
};

/** The typed array onnxruntime-node uses for each dtype. */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int64'
      ? BigInt64Array
      : Uint8Array;

export type FloatArray = Float32Array | Float64Array;
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Uint8Array;

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function allocate<D extends DType>(dtype: D, size: number): TypedArrayFor<D> {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as TypedArrayFor<D>;
    case 'float64':
      return new Float64Array(size) as TypedArrayFor<D>;
    case 'int64':
      return new BigInt64Array(size) as TypedArrayFor<D>;
    default:
      return new Uint8Array(size) as TypedArrayFor<D>;
  }
}

/** Converts plain numbers to the typed array for `dtype` (int64 via BigInt, bool as 0/1). */
export function toTypedArray(dtype: DType, data: ArrayLike<number> | ArrayLike<bigint>): AnyTypedArray {
  const out = allocate(dtype, data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (out instanceof BigInt64Array) out[i] = typeof x === 'bigint' ? x : BigInt(Math.trunc(x));
    else out[i] = typeof x === 'bigint' ? Number(x) : x;
  }
  return out;
}

export function dtypeOfArray(a: AnyTypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  return 'bool';
}
