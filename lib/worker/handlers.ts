// Run kind → the function that runs it in a worker process. Each handler converts the run's
// dataset into its trainer's input, streams progress into the context, and registers what it made.
import "server-only";
import type { RunKind } from "../runs/kinds";
import type { RunContext } from "./context";
import { bestOfNHandler } from "./handlers/best-of-n";
import { dpoHandler } from "./handlers/dpo";
import { generateHandler } from "./handlers/generate";
import { ppoHandler } from "./handlers/ppo";
import { rewardModelHandler } from "./handlers/reward-model";
import { trainLMHandler } from "./handlers/train-lm";

export type RunHandler<K extends RunKind = RunKind> = (ctx: RunContext<K>) => Promise<void>;

export const HANDLERS: { [K in RunKind]: RunHandler<K> } = {
  pretrain: trainLMHandler,
  sft: trainLMHandler,
  reward_model: rewardModelHandler,
  ppo: ppoHandler,
  dpo: dpoHandler,
  best_of_n: bestOfNHandler,
  generate: generateHandler,
};
