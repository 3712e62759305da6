// The safetensors format: 8-byte little-endian header length, a JSON header of
// name -> {dtype, shape, data_offsets}, then the raw little-endian tensor bytes.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface NamedTensor {
  data: Float32Array;
  shape: number[];
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** The header (8-byte length + JSON, padded to 8 bytes) and the data offsets; names sorted, as the Python writer does. */
function layout(tensors: Record<string, NamedTensor>, metadata: Record<string, string>): { names: string[]; head: Uint8Array; dataBytes: number } {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new CheckpointError(`tensor ${name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes
  const text = new TextEncoder().encode(json);
  const head = new Uint8Array(8 + text.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(text.length), true);
  head.set(text, 8);
  return { names, head, dataBytes: offset };
}

const bytesOf = (d: Float32Array) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Serializes float32 tensors into one buffer. */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const { names, head, dataBytes } = layout(tensors, metadata);
  const out = new Uint8Array(head.length + dataBytes);
  out.set(head, 0);
  let at = head.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(bytesOf(d), at);
    at += d.byteLength;
  }
  return out;
}

/**
 * Writes the same bytes as encodeSafetensors straight to `file`, tensor by tensor: no buffer of
 * the whole file (a 124M model's training state would be another 1.5 GB at its peak).
 */
export function writeSafetensorsFile(file: string, tensors: Record<string, NamedTensor>, metadata: Record<string, string> = { format: 'pt' }): void {
  const { names, head } = layout(tensors, metadata);
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, head);
    for (const name of names) writeAll(fd, bytesOf(tensors[name].data));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30));
}

/** Parses a safetensors file into float32 tensors (F32, F16, BF16 and F64 are converted). */
export function readSafetensors(file: string): Record<string, NamedTensor> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`${file} cannot be read: ${(e as Error).message}`);
  }
  return decodeSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file);
}

export function decodeSafetensors(bytes: Uint8Array, file = 'safetensors data'): Record<string, NamedTensor> {
  if (bytes.length < 8) throw new CheckpointError(`${file} is not a safetensors file (too short)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new CheckpointError(`${file} is not a safetensors file (header length ${n} exceeds the file)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new CheckpointError(`${file} is not a safetensors file (its header does not parse: ${(e as Error).message})`);
  }
  const base = 8 + n;
  const out: Record<string, NamedTensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [s, e] = info.data_offsets;
    const count = info.shape.reduce((a, b) => a * b, 1);
    const raw = bytes.subarray(base + s, base + e);
    if (base + e > bytes.length) throw new CheckpointError(`${file}: tensor ${name} extends past the end of the file`);
    out[name] = { data: toFloat32(raw, info.dtype, count, `${file}: tensor ${name}`), shape: info.shape };
  }
  return out;
}

function toFloat32(raw: Uint8Array, dtype: string, count: number, what: string): Float32Array {
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8 }[dtype];
  if (!size) throw new CheckpointError(`${what} has dtype ${dtype}; only F32, F16, BF16 and F64 load`);
  if (raw.length !== size * count) throw new CheckpointError(`${what}: ${raw.length} bytes for ${count} ${dtype} values`);
  const copy = raw.slice(); // aligned
  if (dtype === 'F32') return new Float32Array(copy.buffer, 0, count);
  if (dtype === 'F64') return Float32Array.from(new Float64Array(copy.buffer, 0, count));
  const u16 = new Uint16Array(copy.buffer, 0, count);
  const out = new Float32Array(count);
  if (dtype === 'BF16') {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) u32[i] = u16[i] << 16;
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = halfToFloat(u16[i]);
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
