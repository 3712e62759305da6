// How many optimizer steps one engine run chains by default, per device and model size (kept apart
// from config.ts, which browsers load too: parseDevice reads the file system).

import { TRAINING_ARENA_MAX_PARAMS } from '../model/estimate';
import { parseDevice } from '../runtime/device';

/** Below this many parameters the CPU default chains 8 steps a run rather than 4. */
export const CHAIN_8_MAX_PARAMS = 5e6;

/**
 * Steps chained per engine run when the config leaves it at 0. On CUDA 8: each run's host↔device
 * copy of the state costs more there. On the CPU, small models' runs cost more besides their
 * arithmetic than they compute (onnxruntime-node copies the whole fetched state into fresh buffers,
 * and each run sets up its frame): 8 steps a run below 5M parameters, 4 up to 20M. bench:ml's model
 * (3.3M, batch 8 × 128, 2 threads, 2026-12-06), 8 against 4 steps a run taking turns in one process:
 * 6.5 ms less a step (median of 38 pairs; mean 8.4 ± 2.6) at ~130 ms, the same peak RSS (781 against
 * 773 MB); 16 saved 2.3 ± 1.9 ms more and took 2.3 s to load instead of 1.0. At 17M (d=512, batch
 * 8 × 256) 8 saved nothing measurable (7.8 ± 20 ms at ~1 s) and peaked 530 MB higher (4.06 GiB).
 * 1 from the size that trains without the memory arena (20M parameters), where a chain only holds
 * more at once: GPT-2 124M, batch 4 × 256 (2026-12-05, the machine busy with one other job): 4
 * steps per run peaked at 7.92 GiB and took 8,822 ms per step, 1 step per run 5.02 GiB and 8,590 ms.
 */
export function stepsPerRunFor(device: string, params: number): number {
  if (parseDevice(device).provider === 'cuda') return 8;
  if (params < CHAIN_8_MAX_PARAMS) return 8;
  return params < TRAINING_ARENA_MAX_PARAMS ? 4 : 1;
}
