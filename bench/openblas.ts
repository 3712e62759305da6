// The PyTorch reference's BLAS (bench/ml.ts, bench/gpt2.ts): Debian's OpenBLAS, OpenMP build, with
// the best kernels this CPU runs. OpenBLAS picks its kernels from the CPU model it recognises;
// one it does not know (0.3.21 on a Sapphire Rapids virtual machine: "Intel(R) Xeon(R) Processor")
// falls back to Prescott, SSE3 kernels that made PyTorch's training step 2.9x slower (406.8 against
// about 140 ms at the bench:ml size, measured) and our ratio against it meaningless. So when
// OpenBLAS's own pick is older than what the CPU's flags allow, the reference is told the kernels the
// flags allow; otherwise OpenBLAS keeps its own choice.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export const OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

/** Kernel families by the instructions they use: SSE only, AVX, AVX2 + FMA, AVX-512. */
const LEVEL: Record<string, number> = {
  prescott: 0,
  core2: 0,
  penryn: 0,
  dunnington: 0,
  nehalem: 0,
  atom: 0,
  sandybridge: 1,
  bulldozer: 1,
  piledriver: 1,
  steamroller: 1,
  excavator: 1,
  haswell: 2,
  zen: 2,
  skylakex: 3,
  cooperlake: 3,
  sapphirerapids: 3,
};

/** The newest kernel family this CPU's flags allow (Linux /proc/cpuinfo), or null when unknown. */
function coreTypeFromFlags(): { name: string; level: number } | null {
  if (!existsSync("/proc/cpuinfo")) return null;
  const line = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1];
  if (!line) return null;
  const flags = new Set(line.trim().split(/\s+/));
  if (["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].every((f) => flags.has(f))) return { name: "SkylakeX", level: 3 };
  if (flags.has("avx2") && flags.has("fma")) return { name: "Haswell", level: 2 };
  return null;
}

/** The kernel family OpenBLAS picks by itself here (asked through ctypes, without loading PyTorch). */
function detectedCoreType(env: NodeJS.ProcessEnv): string | null {
  const r = spawnSync(
    "/usr/bin/python3",
    ["-c", 'import ctypes; l = ctypes.CDLL("libblas.so.3"); l.openblas_get_corename.restype = ctypes.c_char_p; print(l.openblas_get_corename().decode())'],
    { env, encoding: "utf8" },
  );
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The reference's environment: OpenBLAS's OpenMP build, `threads` threads, and the kernels chosen as above. */
export function referenceEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
    OMP_NUM_THREADS: String(threads),
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const detected = detectedCoreType(env);
  const best = coreTypeFromFlags();
  const level = detected === null ? undefined : LEVEL[detected.toLowerCase()];
  if (best && level !== undefined && level < best.level) env.OPENBLAS_CORETYPE = best.name;
  return env;
}
