// Snappy for the Parquet pages: the native `snappy` package (prebuilt for each platform). Measured on
// 1 MB of export text, CPU time: 2.0-2.4 ms per MB against 3.6-4.0 for hyparquet-writer's JavaScript
// compressor, whose time was about a quarter of the Parquet writing of long distinct texts. Where no
// prebuilt binary loads, the writer keeps its own.
import type { ParquetWriter } from "hyparquet-writer";

type Compressors = NonNullable<ConstructorParameters<typeof ParquetWriter>[0]["compressors"]>;
type Native = { compressSync: (input: Uint8Array) => Buffer };

// a CommonJS package: its exports are the namespace's default (and, read by Node, its names)
const native: Native | null = await import("snappy").then(
  (m) => ((m as { default?: Native }).default ?? m) as Native,
  () => null,
);

/** The writer's `compressors` option: native Snappy when it loads, else none (the writer's built-in). */
export const snappyCompressors: Compressors = native ? { SNAPPY: (input: Uint8Array) => native.compressSync(input) } : {};

/** Whether the native compressor is in use (the bench reports it). */
export const nativeSnappy = native !== null;
