// The GPT-2 configuration: one typed config with commented defaults, named presets, and the
// range checks that turn a bad value into one sentence naming the field.

export interface GPTConfig {
  /** Tokens in the vocabulary (GPT-2: 50257; the byte tokenizer needs >= 262). */
  vocabSize: number;
  /** Longest sequence (positions in wpe) (GPT-2: 1024). */
  nCtx: number;
  /** Width of the residual stream (GPT-2: 768). */
  nEmbd: number;
  /** Transformer blocks (GPT-2: 12). */
  nLayer: number;
  /** Attention heads; nEmbd must be a multiple (GPT-2: 12). */
  nHead: number;
  /** LayerNorm epsilon (GPT-2: 1e-5). */
  layerNormEpsilon: number;
}
// No dropout: no graph in this engine applies it. A Hugging Face config.json's dropout fields
// (resid_pdrop, ...) are read by the checkpoint loader beside the config (Checkpoint.dropout).

/** Defaults shared by every preset (GPT-2's). */
const BASE = { layerNormEpsilon: 1e-5 } as const;

export const PRESETS = {
  /** For tests: a few thousand parameters, builds and runs in milliseconds. */
  tiny: { ...BASE, vocabSize: 512, nCtx: 64, nEmbd: 32, nLayer: 2, nHead: 2 },
  /** Trains on a laptop CPU in minutes (the benchmark shape). */
  small: { ...BASE, vocabSize: 512, nCtx: 256, nEmbd: 256, nLayer: 4, nHead: 4 },
  /** The 124M GPT-2 shape (Hugging Face `gpt2`). */
  gpt2: { ...BASE, vocabSize: 50257, nCtx: 1024, nEmbd: 768, nLayer: 12, nHead: 12 },
} satisfies Record<string, GPTConfig>;

export type PresetName = keyof typeof PRESETS;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A preset's config with overrides, checked. */
export function gptConfig(preset: PresetName | GPTConfig = 'tiny', overrides: Partial<GPTConfig> = {}): GPTConfig {
  const base = typeof preset === 'string' ? PRESETS[preset] : preset;
  if (!base) throw new ConfigError(`unknown model preset "${String(preset)}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return validateConfig({ ...base, ...overrides });
}

/** Throws a ConfigError naming the first field that is out of range. */
export function validateConfig(c: GPTConfig, where = 'model config'): GPTConfig {
  const int = (field: keyof GPTConfig, min: number, max = Infinity) => {
    const v = c[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new ConfigError(`${where}: ${field} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
  };
  int('vocabSize', 1);
  int('nCtx', 1);
  int('nEmbd', 1);
  int('nLayer', 1);
  int('nHead', 1);
  if (c.nEmbd % c.nHead !== 0) throw new ConfigError(`${where}: nEmbd (${c.nEmbd}) must be a multiple of nHead (${c.nHead})`);
  if (!(c.layerNormEpsilon > 0 && c.layerNormEpsilon < 1)) {
    throw new ConfigError(`${where}: layerNormEpsilon must be in (0, 1), got ${JSON.stringify(c.layerNormEpsilon)}`);
  }
  return c;
}

export { paramCount } from './params';
