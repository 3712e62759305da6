// A row group's flat string column, shaped so hyparquet-writer spends no time per value: a column
// that repeats (a prompt on each of its C(K,2) pairs) stays strings, which the writer dictionary-
// encodes with V8's own string hashing; a column of mostly distinct texts is encoded to UTF-8 in
// ONE buffer here and handed over as views into it with PLAIN encoding, instead of the writer's
// TextEncoder call (one new ArrayBuffer) per value and its byte-by-byte dictionary hashing.

/** Values sampled, spread over the column, to guess whether a dictionary pays (as the writer does). */
const SAMPLE = 1000;
/** Distinct bytes over all bytes in the sample above which a dictionary is not tried. */
const DISTINCT_RATIO = 0.9;

export type StringColumn = { data: (string | Uint8Array | null)[]; encoding?: "PLAIN" };

/** True when the sampled values are nearly all distinct, so the column is written PLAIN. */
export function mostlyDistinct(values: readonly (string | null)[]): boolean {
  const n = Math.min(values.length, SAMPLE);
  if (n === 0) return false;
  const seen = new Set<string>();
  let distinct = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[n === 1 ? 0 : Math.floor((i * (values.length - 1)) / (n - 1))];
    if (v === null || v === undefined) continue;
    const size = v.length + 4; // the 4-byte length prefix every PLAIN value carries
    total += size;
    if (!seen.has(v)) {
      seen.add(v);
      distinct += size;
    }
  }
  return total > 0 && distinct / total > DISTINCT_RATIO;
}

/** Every value's UTF-8 bytes in one buffer, as views; nulls stay null. Lone surrogates become U+FFFD, as with TextEncoder. */
export function utf8Views(values: readonly (string | null)[]): (Uint8Array | null)[] {
  let bytes = 0;
  for (const v of values) if (v !== null) bytes += Buffer.byteLength(v, "utf8");
  const arena = Buffer.allocUnsafeSlow(bytes);
  const out = new Array<Uint8Array | null>(values.length);
  let off = 0;
  for (const [i, v] of values.entries()) {
    if (v === null) {
      out[i] = null;
      continue;
    }
    const n = arena.write(v, off, "utf8");
    out[i] = new Uint8Array(arena.buffer, arena.byteOffset + off, n);
    off += n;
  }
  return out;
}

/** The column as the writer should take it; anything but strings and nulls is left to the writer (and its error). */
export function stringColumn(values: unknown[]): StringColumn {
  for (const v of values) if (typeof v !== "string" && v !== null) return { data: values as StringColumn["data"] };
  const strings = values as (string | null)[];
  return mostlyDistinct(strings) ? { data: utf8Views(strings), encoding: "PLAIN" } : { data: strings };
}
