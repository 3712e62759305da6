// A minimal protobuf encoder for the ONNX messages the builder emits.
// Field numbers are those of onnx/onnx.proto; only what the engine needs is encoded.
//
// Wire format: each field is a key varint (fieldNumber << 3 | wireType) followed by
// a varint (wire type 0) or a length-delimited payload (wire type 2).

import { BYTES_PER_ELEMENT, ONNX_DTYPE, type AnyTypedArray, type DType } from './dtypes';

export const IR_VERSION = 10;
export const OPSET_VERSION = 20;

const VARINT = 0;
const LEN = 2;

/** Growable byte buffer with protobuf primitives. */
class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned or two's-complement (negative int64) varint. */
  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      // fast path for the common small non-negative case
      let n = value;
      this.reserve(5);
      while (n >= 0x80) {
        this.buf[this.len++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.len++] = n;
      return;
    }
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  bytes(field: number, data: Uint8Array): void {
    this.key(field, LEN);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  int(field: number, value: number | bigint): void {
    this.key(field, VARINT);
    this.varint(value);
  }

  float32(field: number, value: number): void {
    this.key(field, 5); // wire type 5: 32-bit
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
  }

  /** Packed repeated varints (proto3 default for repeated scalars). */
  packedInts(field: number, values: readonly (number | bigint)[]): void {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  message(field: number, encode: (w: Writer) => void): void {
    const inner = new Writer();
    encode(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export interface TensorData {
  name: string;
  dtype: DType;
  dims: readonly number[];
  data: AnyTypedArray;
}

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] } | TensorData;

export interface NodeData {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Record<string, AttributeValue>;
  domain?: string;
}

export interface ValueInfoData {
  name: string;
  dtype: DType;
  dims: readonly number[];
  /** Symbolic names for dynamic dimensions (emitted as dim_param instead of dims[i]), for exported models. */
  dimNames?: readonly (string | undefined)[];
}

export interface GraphData {
  name: string;
  nodes: readonly NodeData[];
  initializers: readonly TensorData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
}

// TensorProto: dims=1, data_type=2, name=8, raw_data=9
function encodeTensor(w: Writer, t: TensorData): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, t.name);
  const expected = t.dims.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[t.dtype];
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (raw.length !== expected) {
    throw new Error(`tensor ${t.name}: ${raw.length} bytes of data for shape [${t.dims.join(', ')}] ${t.dtype}`);
  }
  w.bytes(9, raw); // raw_data is little-endian, as typed arrays are on every supported host
}

// AttributeProto: name=1, f=2, i=3, s=4, t=5, floats=7, ints=8, type=20
// AttributeType: FLOAT=1, INT=2, STRING=3, TENSOR=4, FLOATS=6, INTS=7
function encodeAttribute(w: Writer, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; use {float: x}`);
    w.int(3, value);
    w.int(20, 2);
  } else if (typeof value === 'string') {
    w.string(4, value);
    w.int(20, 3);
  } else if (Array.isArray(value)) {
    w.packedInts(8, value);
    w.int(20, 7);
  } else if ('float' in value) {
    w.float32(2, value.float);
    w.int(20, 1);
  } else if ('floats' in value) {
    const packed = new Float32Array(value.floats);
    w.bytes(7, new Uint8Array(packed.buffer));
    w.int(20, 6);
  } else {
    w.message(5, (t) => encodeTensor(t, value));
    w.int(20, 4);
  }
}

// NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7
function encodeNode(w: Writer, n: NodeData): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes)) w.message(5, (a) => encodeAttribute(a, k, v));
  if (n.domain) w.string(7, n.domain);
}

// ValueInfoProto: name=1, type=2 -> TypeProto: tensor_type=1 -> Tensor: elem_type=1, shape=2
// -> TensorShapeProto: dim=1 -> Dimension: dim_value=1, dim_param=2
function encodeValueInfo(w: Writer, v: ValueInfoData): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_DTYPE[v.dtype]);
      tensor.message(2, (shape) => {
        v.dims.forEach((d, i) => {
          const sym = v.dimNames?.[i];
          shape.message(1, (dim) => (sym ? dim.string(2, sym) : dim.int(1, d)));
        });
      });
    }),
  );
}

// GraphProto: node=1, name=2, initializer=5, input=11, output=12
function encodeGraph(w: Writer, g: GraphData): void {
  for (const n of g.nodes) w.message(1, (m) => encodeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => encodeTensor(m, t));
  for (const i of g.inputs) w.message(11, (m) => encodeValueInfo(m, i));
  for (const o of g.outputs) w.message(12, (m) => encodeValueInfo(m, o));
}

// ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8 -> OperatorSetIdProto: domain=1, version=2
export function encodeModel(graph: GraphData, extraOpsets: Record<string, number> = {}): Uint8Array {
  const w = new Writer();
  w.int(1, IR_VERSION);
  w.string(2, 'rlhf-studio-ml');
  w.message(7, (m) => encodeGraph(m, graph));
  w.message(8, (m) => {
    m.string(1, '');
    m.int(2, OPSET_VERSION);
  });
  for (const [domain, version] of Object.entries(extraOpsets)) {
    w.message(8, (m) => {
      m.string(1, domain);
      m.int(2, version);
    });
  }
  return w.finish();
}
