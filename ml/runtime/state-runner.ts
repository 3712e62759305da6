// Sessions plus a named tensor store ("state": parameters, optimizer moments, accumulators).
// A model input that is not fed is read from the state; an output named `next.<name>`
// is written back to state <name>: into <name>'s own buffer when the model reads it before it
// writes it (BuiltModel.inPlace: a clipped training step's parameters and moments), otherwise
// into a spare buffer that then swaps with the current one (double buffering). Either way no
// allocation and no copy per step.

import { allocate, type AnyTypedArray } from '../onnx/dtypes';
import type { BuiltModel } from '../graph/core';
import { numel } from '../graph/shape';
import { EngineError, type RuntimeConfig } from './config';
import { Session, type Feeds, type RunStats } from './session';

export const NEXT = 'next.';

/** What both the in-thread and the worker runner offer. */
export interface Runner {
  load(key: string, model: BuiltModel): Promise<void>;
  /** Stores copies of the given tensors (the caller keeps its arrays). */
  setState(tensors: Feeds): Promise<void>;
  /** Copies of the named state tensors (all when omitted). */
  getState(names?: string[]): Promise<Feeds>;
  /** Runs model `key`; returns the outputs that are not written back to state. */
  run(key: string, feeds?: Feeds): Promise<Feeds>;
  /** Timing of model `key`'s runs (copy time: see RunStats). */
  stats(key: string): Promise<RunStats>;
  dispose(): Promise<void>;
}

export class StateRunner implements Runner {
  private readonly sessions = new Map<string, Session>();
  private readonly state = new Map<string, AnyTypedArray>();
  private readonly spare = new Map<string, AnyTypedArray>();

  constructor(private readonly config: RuntimeConfig = {}) {}

  async load(key: string, model: BuiltModel): Promise<void> {
    await this.sessions.get(key)?.dispose();
    this.sessions.set(key, await Session.create(model, this.config));
  }

  async setState(tensors: Feeds): Promise<void> {
    for (const [name, data] of Object.entries(tensors)) {
      this.state.set(name, data.slice());
      this.spare.delete(name);
    }
  }

  async getState(names?: string[]): Promise<Feeds> {
    const out: Feeds = {};
    for (const name of names ?? this.state.keys()) {
      const data = this.state.get(name);
      if (!data) throw new EngineError(`getState: no state named ${name}`);
      out[name] = data.slice();
    }
    return out;
  }

  /** Direct access for code running in the same thread (no copy). */
  peek(name: string): AnyTypedArray | undefined {
    return this.state.get(name);
  }

  /** Every state tensor, without copies (same thread only; a later run() may overwrite or swap the buffers). */
  peekAll(): Record<string, AnyTypedArray> {
    return Object.fromEntries(this.state);
  }

  async run(key: string, feeds: Feeds = {}): Promise<Feeds> {
    const session = this.sessions.get(key);
    if (!session) throw new EngineError(`run: no model loaded as "${key}"`);
    const all: Feeds = {};
    for (const info of session.model.inputs) {
      const data = feeds[info.name] ?? this.state.get(info.name);
      if (!data) throw new EngineError(`run ${key}: input ${info.name} is neither fed nor in the state`);
      all[info.name] = data;
    }
    const into: Feeds = {};
    const inPlace = new Set(session.model.inPlace);
    for (const info of session.model.outputs) {
      if (!info.name.startsWith(NEXT)) continue;
      const name = info.name.slice(NEXT.length);
      const size = numel(info.dims);
      const current = this.state.get(name);
      // written over the current buffer when the model reads it before writing (graph/in-place.ts); never a fed array
      if (inPlace.has(name) && !feeds[name] && current?.length === size) {
        into[info.name] = current;
        this.spare.delete(name);
        continue;
      }
      const spare = this.spare.get(name);
      into[info.name] = spare && spare.length === size ? spare : allocate(info.dtype, size);
    }
    const outputs = await session.run(all, into);
    const result: Feeds = {};
    for (const [name, data] of Object.entries(outputs)) {
      if (!name.startsWith(NEXT)) {
        result[name] = data;
        continue;
      }
      const stateName = name.slice(NEXT.length);
      const old = this.state.get(stateName);
      if (old === data) continue; // updated in place
      this.state.set(stateName, data);
      if (old) this.spare.set(stateName, old);
    }
    return result;
  }

  async stats(key: string): Promise<RunStats> {
    const session = this.sessions.get(key);
    if (!session) throw new EngineError(`stats: no model loaded as "${key}"`);
    return session.stats();
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) await s.dispose();
    this.sessions.clear();
  }
}
