// A TensorBoard event file, written by hand: TFRecord framing around protobuf `Event` messages.
//   record  = uint64 length (LE) · uint32 masked CRC32C of those 8 bytes · data · uint32 masked CRC32C of data
//   Event   = { 1: wall_time double, 2: step int64, 3: file_version string, 5: summary Summary }
//   Summary = { 1: repeated Value { 1: tag string, 2: simple_value float } }
// The first event carries file_version "brain.Event:2"; then one event per (step, time) with its scalars.

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8); // TABLE has 256 entries
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 and add a constant, so a CRC of CRCs is not trivial. */
function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/** Protobuf pieces: varints, tags and length-delimited fields. */
function varint(n: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, data: Uint8Array) => [...tag(field, 2), ...varint(data.length), ...data];
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
function double(field: number, x: number) {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...tag(field, 1), ...b];
}
function float(field: number, x: number) {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...tag(field, 5), ...b];
}

export type Scalar = { tag: string; value: number };

/** An Event with wall_time, step and a summary of scalars (or file_version for the first event). */
export function eventBytes(e: { wallTime: number; step: number; fileVersion?: string; scalars?: Scalar[] }): Uint8Array {
  const parts: number[] = [...double(1, e.wallTime), ...tag(2, 0), ...varint(e.step)];
  if (e.fileVersion) parts.push(...bytesField(3, utf8(e.fileVersion)));
  if (e.scalars?.length) {
    const values = e.scalars.flatMap((s) => bytesField(1, new Uint8Array([...bytesField(1, utf8(s.tag)), ...float(2, s.value)])));
    parts.push(...bytesField(5, new Uint8Array(values)));
  }
  return new Uint8Array(parts);
}

/** The file's first record: file_version "brain.Event:2". */
export const fileVersionRecord = (wallTime: number) => tfRecord(eventBytes({ wallTime, step: 0, fileVersion: "brain.Event:2" }));
