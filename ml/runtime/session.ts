// A thin wrapper over one onnxruntime-node InferenceSession: checked feeds, typed-array
// outputs, pre-allocated output buffers, errors that name the node and op, and the time each
// run spends moving its inputs and outputs between host and device.

import { appendFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { dtypeOfArray, type AnyTypedArray } from '../onnx/dtypes';
import type { BuiltModel } from '../graph/core';
import { encodeModel, type ValueInfoData } from '../onnx/proto';
import { fmt, numel } from '../graph/shape';
import { checkProvider, CUDA_MISSING, EngineError, sessionOptions, type RuntimeConfig } from './config';
import { CUDA_LIBS_MISSING, systemProbe } from './device';
import { ort } from './ort';

export type Feeds = Record<string, AnyTypedArray>;

/** Timing of a session's runs, in milliseconds. */
export interface RunStats {
  runs: number;
  /** Wall time of the last run (wrapping, session.run, outputs). */
  lastRunMs: number;
  /**
   * Host↔device transfer time of one run: the wall time of a copy-only model with the same
   * inputs (each one in, through Identity on the session's provider, and back out), measured at
   * the first run. On the CPU it is the cost of touching the same bytes; on CUDA it is the
   * host→device and device→host copies that each run pays. NaN unless RuntimeConfig.measureCopy.
   */
  copyMs: number;
}

/**
 * The seam through which tests see every session that is created (in any thread or process of
 * theirs): when ML_SESSION_TRACE names a file, each creation appends one JSON line with the
 * session options, and in-process observers get them too.
 */
export const sessionObservers = new Set<(options: InferenceSession.SessionOptions, config: RuntimeConfig) => void>();

/**
 * ML_CUDA_STANDIN=cpu: a CUDA device is taken as given and its sessions run on the CPU instead
 * (observers and the trace still see the CUDA options). For tests and for gpu-check.sh's CPU
 * rehearsal, which then walk the whole CUDA path on a machine without a GPU.
 */
function cudaStandIn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ML_CUDA_STANDIN === 'cpu';
}

function observe(options: InferenceSession.SessionOptions, config: RuntimeConfig): void {
  for (const o of sessionObservers) o(options, config);
  const file = process.env.ML_SESSION_TRACE;
  if (file)
    appendFileSync(file, `${JSON.stringify({ pid: process.pid, thread: isMainThread ? 0 : threadId, executionProviders: options.executionProviders })}\n`);
}

export class Session {
  private probe?: InferenceSession;
  private readonly timing: RunStats = { runs: 0, lastRunMs: 0, copyMs: NaN };

  private constructor(
    private readonly session: InferenceSession,
    readonly model: Omit<BuiltModel, 'bytes'>,
    private readonly config: RuntimeConfig,
  ) {}

  static async create(model: BuiltModel, config: RuntimeConfig = {}): Promise<Session> {
    const standIn = config.provider === 'cuda' && cudaStandIn();
    if (!standIn) checkProvider(config.provider ?? 'cpu', config.deviceId ?? 0);
    const options = sessionOptions(config);
    observe(options, config);
    const run = standIn ? { ...config, provider: 'cpu' as const } : config;
    try {
      const s = await ort.InferenceSession.create(model.bytes, standIn ? sessionOptions(run) : options);
      const { inputs, outputs, nodes, params, inPlace } = model;
      return new Session(s, { inputs, outputs, nodes, params, inPlace }, run);
    } catch (e) {
      throw cudaError(config, e) ?? explain('onnxruntime rejected the model', e, model);
    }
  }

  /**
   * Runs the model. `into` maps output names to pre-allocated buffers onnxruntime writes into
   * (no fresh allocation, no page faults); other outputs come back as new typed arrays.
   */
  async run(feeds: Feeds, into: Feeds = {}): Promise<Feeds> {
    const t0 = performance.now();
    const inputs: Record<string, Tensor> = {};
    for (const info of this.model.inputs) {
      const data = feeds[info.name];
      if (!data) throw new EngineError(`run: missing input ${info.name} (${info.dtype}${fmt(info.dims)})`);
      checkBuffer('input', info, data);
      inputs[info.name] = new ort.Tensor(info.dtype, data, info.dims);
    }
    for (const name of Object.keys(feeds)) {
      if (!this.model.inputs.some((i) => i.name === name)) throw new EngineError(`run: the model has no input named ${name}`);
    }
    const fetches: Record<string, Tensor | null> = {};
    for (const info of this.model.outputs) {
      const buf = into[info.name];
      if (buf) checkBuffer('output', info, buf);
      fetches[info.name] = buf ? new ort.Tensor(info.dtype, buf, info.dims) : null;
    }
    let result: InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run(inputs, fetches);
    } catch (e) {
      throw explain('onnxruntime failed while running the model', e, this.model);
    }
    const out: Feeds = {};
    for (const info of this.model.outputs) out[info.name] = into[info.name] ?? (result[info.name].data as AnyTypedArray);
    this.timing.runs++;
    this.timing.lastRunMs = performance.now() - t0;
    if (this.timing.runs === 1 && this.config.measureCopy) this.timing.copyMs = await this.measureCopy(inputs);
    return out;
  }

  stats(): RunStats {
    return { ...this.timing };
  }

  /** Runs the copy-only twin of this model on the same inputs once (see RunStats.copyMs). */
  private async measureCopy(inputs: Record<string, Tensor>): Promise<number> {
    if (!this.probe) {
      const infos = this.model.inputs;
      const bytes = encodeModel({
        name: 'copy',
        nodes: infos.map((i, k) => ({ name: `copy_${k}`, opType: 'Identity', inputs: [i.name], outputs: [`copy.${i.name}`], attributes: {} })),
        initializers: [],
        inputs: infos,
        outputs: infos.map((i) => ({ ...i, name: `copy.${i.name}` })),
      });
      this.probe = await ort.InferenceSession.create(bytes, { ...sessionOptions({ ...this.config, verbose: false }), graphOptimizationLevel: 'disabled' });
    }
    // outputs land in the input buffers themselves: the same bytes, no fresh host memory
    const fetches: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) fetches[`copy.${name}`] = t;
    const t0 = performance.now();
    await this.probe.run(inputs, fetches);
    return performance.now() - t0;
  }

  async dispose(): Promise<void> {
    await this.probe?.release();
    await this.session.release();
  }
}

/** onnxruntime's CUDA failures as one sentence (provider not loadable, device id out of range). */
function cudaError(config: RuntimeConfig, e: unknown): EngineError | null {
  if (config.provider !== 'cuda') return null;
  const m = String(e instanceof Error ? e.message : e);
  if (/invalid device ordinal|device_id|cudaSetDevice/i.test(m))
    return new EngineError(`There is no CUDA device ${config.deviceId ?? 0} on this machine (onnxruntime: ${m.split('\n')[0]}).`);
  if (/shared library|providers_cuda|libcu|cudnn/i.test(m) && systemProbe().providerPath()) return new EngineError(CUDA_LIBS_MISSING);
  if (/shared library|providers_cuda|libcu|cudnn/i.test(m)) return new EngineError(`${CUDA_MISSING} (onnxruntime: ${m.split('\n')[0]})`);
  return null;
}

function checkBuffer(kind: string, info: ValueInfoData, data: AnyTypedArray): void {
  if (dtypeOfArray(data) !== info.dtype || data.length !== numel(info.dims)) {
    throw new EngineError(
      `run: ${kind} ${info.name} expects ${info.dtype}${fmt(info.dims)} (${numel(info.dims)} values), got ${dtypeOfArray(data)} with ${data.length} values`,
    );
  }
}

/** Adds the node's op and input shapes when onnxruntime's message names one of our nodes. */
function explain(what: string, e: unknown, model: Pick<BuiltModel, 'nodes'>): EngineError {
  const message = e instanceof Error ? e.message : String(e);
  const hit = Object.keys(model.nodes)
    .filter((name) => message.includes(name))
    .sort((a, b) => b.length - a.length)[0];
  const where = hit ? ` at node ${hit} (op ${model.nodes[hit].opType}, inputs ${model.nodes[hit].inputs.join(', ')})` : '';
  return new EngineError(`${what}${where}: ${message}`);
}
