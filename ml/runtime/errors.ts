// The engine's error type, shared by the runtime modules.

export type Provider = 'cpu' | 'cuda';

export class EngineError extends Error {
  override name = 'EngineError';
}
