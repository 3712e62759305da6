// Snappy for the Parquet pages: the native `snappy` package (prebuilt for each platform), about ten
// times faster than hyparquet-writer's JavaScript compressor, which was a third of an export's
// Parquet time on long unique texts. Where no prebuilt binary loads, the writer keeps its own.
import { createRequire } from "node:module";
import type { ParquetWriter } from "hyparquet-writer";

type Compressors = NonNullable<ConstructorParameters<typeof ParquetWriter>[0]["compressors"]>;
type Native = { compressSync: (input: Buffer) => Buffer };

function loadNative(): Native | null {
  try {
    return createRequire(import.meta.url)("snappy") as Native;
  } catch {
    return null;
  }
}

const native = loadNative();

/** The writer's `compressors` option: native Snappy when it loads, else none (the writer's built-in). */
export const snappyCompressors: Compressors = native
  ? { SNAPPY: (input: Uint8Array) => native.compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength)) }
  : {};

/** Whether the native compressor is in use (the bench reports it). */
export const nativeSnappy = native !== null;
