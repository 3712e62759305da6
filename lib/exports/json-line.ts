// An export row's JSON line as UTF-8 parts, byte for byte what Buffer.from(JSON.stringify(row))
// gives. A prompt and each of its answers' texts recur on many rows (an answer of a ranking of K
// is in K-1 of its C(K,2) pairs, on every ranking of the task), so each string value is escaped and
// encoded once, kept while its prompt's rows stream, and then only copied: building, encoding and
// collecting a fresh line string per row was about a tenth of a million-pair export's CPU.

/** Strings shorter than this are encoded afresh each time (labels, ids: few bytes, often unique). */
const MIN_CACHED_CHARS = 24;
/** The most strings kept at once; past it the cache starts over (a prompt with an unusual number of texts). */
const MAX_CACHED = 4096;

const COMMA = Buffer.from(",");
const EMPTY_OBJECT = Buffer.from("{}");
const CLOSE_OBJECT = Buffer.from("}");
const OPEN_ARRAY = Buffer.from("[");
const CLOSE_ARRAY = Buffer.from("]");
const NULL = Buffer.from("null");

/** An object JSON.stringify writes key by key: a plain one without a toJSON of its own. */
const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== "function";
};

export class JsonLine {
  /** Short values, kept for the whole export (a layout has few). */
  private readonly constant = new Map<unknown, Buffer>();
  /** Object keys as they open an object (`{"key":`) and as they follow another (`,"key":`). */
  private readonly firstKeys = new Map<string, Buffer>();
  private readonly otherKeys = new Map<string, Buffer>();
  /** The current prompt's long strings. */
  private readonly texts = new Map<string, Buffer>();

  /** Forgets the long strings: the stream calls it when a new prompt's rows begin. */
  reset(): void {
    this.texts.clear();
  }

  /** Appends the UTF-8 parts of `row`'s JSON to `out` (emptied first) and returns their total length in bytes. */
  parts(row: object, out: Buffer[]): number {
    out.length = 0;
    return this.value(row, out) ?? 0;
  }

  /** `v`'s parts appended to out, or undefined where JSON.stringify gives nothing (undefined, a function, a symbol). */
  private value(v: unknown, out: Buffer[]): number | undefined {
    if (typeof v === "string") return this.push(out, v.length >= MIN_CACHED_CHARS ? this.text(v) : this.short(v));
    if (typeof v === "number" || typeof v === "boolean" || v === null) return this.push(out, this.short(v));
    if (typeof v === "object" && Array.isArray(v)) return this.array(v, out);
    if (typeof v === "object" && isPlainObject(v)) return this.object(v as Record<string, unknown>, out);
    const json = JSON.stringify(v) as string | undefined; // toJSON, a bigint's error, undefined: as JSON.stringify does
    return json === undefined ? undefined : this.push(out, Buffer.from(json, "utf8"));
  }

  private object(o: Record<string, unknown>, out: Buffer[]): number {
    let n = 0;
    let first = true;
    for (const key of Object.keys(o)) {
      const at = out.length;
      const k = this.push(out, this.key(key, first)); // `{"key":` or `,"key":`, one part
      const v = this.value(o[key], out);
      if (v === undefined) {
        out.length = at; // JSON.stringify leaves the key out
        continue;
      }
      n += k + v;
      first = false;
    }
    return first ? this.push(out, EMPTY_OBJECT) : n + this.push(out, CLOSE_OBJECT);
  }

  private array(a: unknown[], out: Buffer[]): number {
    let n = this.push(out, OPEN_ARRAY);
    for (let i = 0; i < a.length; i++) {
      if (i > 0) n += this.push(out, COMMA);
      n += this.value(a[i], out) ?? this.push(out, NULL); // JSON.stringify writes null for a hole or undefined
    }
    return n + this.push(out, CLOSE_ARRAY);
  }

  private push(out: Buffer[], b: Buffer): number {
    out.push(b);
    return b.length;
  }

  /** A key with what comes before it and its colon, as one part (a row's keys are a few, on every row). */
  private key(key: string, first: boolean): Buffer {
    const keys = first ? this.firstKeys : this.otherKeys;
    let b = keys.get(key);
    if (b === undefined) {
      b = Buffer.from(`${first ? "{" : ","}${JSON.stringify(key)}:`, "utf8");
      if (keys.size < MAX_CACHED) keys.set(key, b);
    }
    return b;
  }

  private short(v: string | number | boolean | null): Buffer {
    let b = this.constant.get(v);
    if (b === undefined) {
      b = Buffer.from(JSON.stringify(v), "utf8");
      // keys and small values repeat on every row; anything else is not worth keeping
      if (this.constant.size < MAX_CACHED) this.constant.set(v, b);
    }
    return b;
  }

  private text(s: string): Buffer {
    let b = this.texts.get(s);
    if (b === undefined) {
      if (this.texts.size >= MAX_CACHED) this.texts.clear();
      b = Buffer.from(JSON.stringify(s), "utf8");
      this.texts.set(s, b);
    }
    return b;
  }
}
