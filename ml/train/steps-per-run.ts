// How many optimizer steps one engine run chains by default, per device and model size (kept apart
// from config.ts, which browsers load too: parseDevice reads the file system).

import { TRAINING_ARENA_MAX_PARAMS } from '../model/estimate';
import { parseDevice } from '../runtime/device';

/**
 * Steps chained per engine run when the config leaves it at 0. On CUDA 8: each run's host↔device
 * copy of the state costs more there. On the CPU 4 for small models, whose runs cost more besides
 * their arithmetic than they compute; 1 from the size that trains without the memory arena (20M
 * parameters), where a chain only holds more at once: GPT-2 124M, batch 4 × 256, 2 threads
 * (2026-12-05, the machine busy with one other job): 4 steps per run peaked at 7.92 GiB and took
 * 8,822 ms per step, 1 step per run 5.02 GiB and 8,590 ms.
 */
export function stepsPerRunFor(device: string, params = 0): number {
  if (parseDevice(device).provider === 'cuda') return 8;
  return params < TRAINING_ARENA_MAX_PARAMS ? 4 : 1;
}
