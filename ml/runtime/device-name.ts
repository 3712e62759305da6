// The spelling of a device name, with no imports: trainers' configs (which browsers load too) check it.

/** "cpu", "cuda" (GPU 0) or "cuda:N". */
export function isDeviceName(name: unknown): boolean {
  return typeof name === 'string' && /^(cpu|cuda(:\d{1,3})?)$/.test(name);
}
