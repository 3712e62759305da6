// The device setting ("cpu", "cuda" or "cuda:N") and the checks that turn a wrong one into one
// sentence before onnxruntime prints its own: an unknown name, a CUDA device that does not exist,
// provider files that are missing or of another version than the core library.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EngineError, type Provider } from './errors';
import { libraryVersion } from './lib-version';
import { nativeDir, ORT_VERSION } from './ort';

export { libraryVersion };

export type DeviceName = 'cpu' | 'cuda' | `cuda:${number}`;

export interface Device {
  provider: Provider;
  /** CUDA device number (0 for the CPU). */
  deviceId: number;
}

const DEVICE_HELP = 'use "cpu", "cuda" or "cuda:N" with N the GPU number';

/** "cpu" | "cuda" | "cuda:N" → provider and device id; anything else is refused with one sentence. */
export function parseDevice(name: string): Device {
  const s = String(name).trim().toLowerCase();
  if (s === 'cpu') return { provider: 'cpu', deviceId: 0 };
  const m = /^cuda(?::(\d{1,3}))?$/.exec(s);
  if (!m) throw new EngineError(`Unknown device "${name}": ${DEVICE_HELP}.`);
  return { provider: 'cuda', deviceId: m[1] === undefined ? 0 : Number(m[1]) };
}

export function deviceName(d: Device): DeviceName {
  return d.provider === 'cpu' ? 'cpu' : `cuda:${d.deviceId}`;
}

/** What this machine has, as far as the checks need to know (a seam: tests pass their own). */
export interface DeviceProbe {
  /** The CUDA provider library's path, or null when it is not installed beside the binding. */
  providerPath(): string | null;
  /** The onnxruntime version compiled into the provider library (null when none is found). */
  providerVersion(file: string): string | null;
  /** onnxruntime-node's core library version. */
  coreVersion: string;
  /** NVIDIA GPUs this process may use (null: unknown, e.g. no driver folder to read). */
  gpuCount(): number | null;
}

export const CUDA_MISSING =
  'The CUDA execution provider is not installed: run `npm run gpu:setup` (offline-capable, CUDA 13), or reinstall ' +
  'onnxruntime-node with its provider files (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci`, or cuda13) on a machine with an NVIDIA GPU, or set the device to "cpu".';

export const CUDA_LIBS_MISSING =
  'The CUDA provider files are installed but onnxruntime could not load them: put the CUDA 13 libraries (libcublas.so.13, libcublasLt.so.13, ' +
  'libcudart.so.13, libcurand.so.10, cuDNN 9) on LD_LIBRARY_PATH beside the NVIDIA driver (onnxruntime\'s log line above names the missing one), or set the device to "cpu".';

/** Throws one sentence when `device` cannot be used here; the CPU always can. */
export function checkDevice(device: Device, probe: DeviceProbe = systemProbe()): void {
  if (device.provider !== 'cuda') return;
  const lib = probe.providerPath();
  if (!lib) throw new EngineError(CUDA_MISSING);
  const v = probe.providerVersion(lib);
  if (v !== null && v !== probe.coreVersion) {
    throw new EngineError(
      `The CUDA provider library ${lib} is onnxruntime ${v} but the core library is ${probe.coreVersion}; a provider only loads into its own version, so run \`npm run gpu:setup\` to install the pinned pair.`,
    );
  }
  const n = probe.gpuCount();
  if (n === 0) throw new EngineError(`Device cuda:${device.deviceId} was asked for but this machine shows no NVIDIA GPU; set the device to "cpu".`);
  if (n !== null && device.deviceId >= n) {
    throw new EngineError(
      `There is no CUDA device ${device.deviceId}: this machine has ${n} GPU${n === 1 ? '' : 's'} (cuda:0${n > 1 ? `..cuda:${n - 1}` : ''}).`,
    );
  }
}

/** GPUs visible to this process: CUDA_VISIBLE_DEVICES when set, else the driver's folder of GPUs. */
export function visibleGpuCount(env: Record<string, string | undefined> = process.env, driverDir = '/proc/driver/nvidia/gpus'): number | null {
  const vis = env.CUDA_VISIBLE_DEVICES;
  const installed = existsSync(driverDir) ? readdirSync(driverDir).length : null;
  if (vis !== undefined) {
    const ids = vis
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== '-1');
    const upTo = ids.findIndex((s) => /^-\d+$/.test(s)); // CUDA stops at the first invalid entry
    const count = upTo === -1 ? ids.length : upTo;
    return installed === null ? count : Math.min(count, installed);
  }
  return installed;
}

export function systemProbe(): DeviceProbe {
  return {
    providerPath: () => {
      const file = path.join(nativeDir(), 'libonnxruntime_providers_cuda.so');
      return existsSync(file) ? file : null;
    },
    providerVersion: libraryVersion,
    coreVersion: ORT_VERSION,
    gpuCount: () => visibleGpuCount(),
  };
}

/** The devices this machine can train on: the CPU, and every visible GPU when the provider checks pass. */
export function availableDevices(probe: DeviceProbe = systemProbe()): DeviceName[] {
  const out: DeviceName[] = ['cpu'];
  const n = probe.gpuCount();
  if (!n) return out;
  try {
    checkDevice({ provider: 'cuda', deviceId: 0 }, probe);
  } catch {
    return out;
  }
  for (let i = 0; i < n; i++) out.push(`cuda:${i}`);
  return out;
}
