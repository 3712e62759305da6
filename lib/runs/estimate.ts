// A run's memory and time estimate from its kind, its checked config and its model's shape
// (ml/model/estimate.ts holds the formula), and the refusal of a run that will not fit in the
// machine's memory. Pure: the new-run form shows the same figures the server checks.
import { estimateRun, fmtBytes, PRESETS, type Estimate, type GPTConfig } from "../../ml/browser";
import type { ModelSize, RunKind } from "./kinds";

/** PPO's rows are the longest prompt plus maxNewTokens; the prompts are not tokenized yet, so this many prompt tokens are assumed. */
const PPO_PROMPT_TOKENS = 256;

/** Memory kept free for the operating system, the web server and the database: 10 % of the machine, at least 1 GiB. */
export function usableMemory(totalBytes: number): number {
  return totalBytes - Math.max(1024 ** 3, 0.1 * totalBytes);
}

/** The model a run trains: the preset for pretraining (with its context length), else the starting checkpoint's shape. */
export function runModel(kind: RunKind, config: Record<string, unknown>, size: ModelSize, base: GPTConfig | null): GPTConfig | null {
  if (kind === "pretrain") {
    const preset = PRESETS[(config.modelSize as ModelSize | undefined) ?? size] ?? PRESETS[size];
    return { ...preset, nCtx: typeof config.contextLength === "number" ? config.contextLength : preset.nCtx };
  }
  return base;
}

const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** The estimate for a run of `kind` with its checked `config` on `model` (a generate run: the weights and KV cache of one source). */
export function estimateFor(kind: RunKind, config: Record<string, unknown>, model: GPTConfig, answersPerPrompt = 4): Estimate {
  const threads = num(config.threads, 2);
  switch (kind) {
    case "pretrain":
    case "sft":
      return estimateRun({ kind, model, batchSize: num(config.batchSize, 8), seqLen: num(config.seqLen, 0), threads });
    case "reward_model":
    case "dpo":
      return estimateRun({ kind, model, batchSize: num(config.batchSize, 8), seqLen: num(config.seqLen, 0), threads, answersPerPrompt });
    case "ppo":
      return estimateRun({
        kind,
        model,
        batchSize: num(config.miniBatch, 8),
        seqLen: Math.min(model.nCtx, PPO_PROMPT_TOKENS + num(config.maxNewTokens, 64)),
        threads,
      });
    case "best_of_n":
      return estimateRun({
        kind: "generate",
        model,
        batchSize: num(config.n, 16),
        seqLen: Math.min(model.nCtx, PPO_PROMPT_TOKENS + num(config.maxNewTokens, 128)),
        threads: 1,
      });
    case "generate":
      return estimateRun({
        kind,
        model,
        batchSize: answersPerPrompt,
        seqLen: Math.min(model.nCtx, PPO_PROMPT_TOKENS + num(config.maxNewTokens, 128)),
        threads: 1,
      });
  }
}

/** One sentence when the estimate does not fit in the usable memory, else null. */
export function memoryRefusal(e: Estimate, totalBytes: number): string | null {
  const usable = usableMemory(totalBytes);
  if (e.bytes.total <= usable) return null;
  return `This run needs about ${fmtBytes(e.bytes.total)} of memory (${e.basis}) but this machine has ${fmtBytes(usable)} to spare of its ${fmtBytes(totalBytes)}; lower the batch size or the sequence length, or use a smaller model.`;
}
