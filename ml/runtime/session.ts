// A thin wrapper over one onnxruntime-node InferenceSession: checked feeds, typed-array
// outputs, pre-allocated output buffers, and errors that name the node and op.

import * as ort from 'onnxruntime-node';
import { dtypeOfArray, type AnyTypedArray } from '../onnx/dtypes';
import type { BuiltModel } from '../graph/core';
import type { ValueInfoData } from '../onnx/proto';
import { fmt, numel } from '../graph/shape';
import { checkProvider, CUDA_MISSING, EngineError, sessionOptions, type RuntimeConfig } from './config';

export type Feeds = Record<string, AnyTypedArray>;

export class Session {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly model: Omit<BuiltModel, 'bytes'>,
  ) {}

  static async create(model: BuiltModel, config: RuntimeConfig = {}): Promise<Session> {
    checkProvider(config.provider ?? 'cpu');
    try {
      const s = await ort.InferenceSession.create(model.bytes, sessionOptions(config));
      const { inputs, outputs, nodes, params } = model;
      return new Session(s, { inputs, outputs, nodes, params });
    } catch (e) {
      if (config.provider === 'cuda' && /cuda|shared library/i.test(String(e))) throw new EngineError(CUDA_MISSING);
      throw explain('onnxruntime rejected the model', e, model);
    }
  }

  /**
   * Runs the model. `into` maps output names to pre-allocated buffers onnxruntime writes into
   * (no fresh allocation, no page faults); other outputs come back as new typed arrays.
   */
  async run(feeds: Feeds, into: Feeds = {}): Promise<Feeds> {
    const inputs: Record<string, ort.Tensor> = {};
    for (const info of this.model.inputs) {
      const data = feeds[info.name];
      if (!data) throw new EngineError(`run: missing input ${info.name} (${info.dtype}${fmt(info.dims)})`);
      checkBuffer('input', info, data);
      inputs[info.name] = new ort.Tensor(info.dtype, data, info.dims);
    }
    for (const name of Object.keys(feeds)) {
      if (!this.model.inputs.some((i) => i.name === name)) throw new EngineError(`run: the model has no input named ${name}`);
    }
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const info of this.model.outputs) {
      const buf = into[info.name];
      if (buf) checkBuffer('output', info, buf);
      fetches[info.name] = buf ? new ort.Tensor(info.dtype, buf, info.dims) : null;
    }
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run(inputs, fetches);
    } catch (e) {
      throw explain('onnxruntime failed while running the model', e, this.model);
    }
    const out: Feeds = {};
    for (const info of this.model.outputs) out[info.name] = into[info.name] ?? (result[info.name].data as AnyTypedArray);
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
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
