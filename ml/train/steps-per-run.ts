// How many optimizer steps one engine run chains by default, per device (kept apart from
// config.ts, which browsers load too: parseDevice reads the file system).

import { parseDevice } from '../runtime/device';

/** Steps chained per engine run when the config leaves it at 0: larger on CUDA, where each run's host↔device copy of the state costs more. */
export function stepsPerRunFor(device: string): number {
  return parseDevice(device).provider === 'cuda' ? 8 : 4;
}
