// Model folders in Hugging Face's GPT-2 layout: config.json with GPT-2's field names and
// model.safetensors with its tensor names (Conv1D (in, out) weights). Folders from the Hub
// (gpt2, distilgpt2) load with no network; folders written here load in `transformers`.
// Extra heads (reward, value) are extra tensors under their own names. Training state, when
// saved, sits beside it (optimizer.safetensors, trainer_state.json). A folder is written
// under a temporary name and renamed into place: no partial checkpoint is ever left behind.
// Replacing a folder takes two renames (the old one aside, the new one in); a process killed
// between them leaves only the old one, aside: recoverCheckpoint puts it back before a resume.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, validateConfig, type GPTConfig } from '../model/config';
import { gptTensorShapes } from '../model/gpt';
import { BYTE_SPECIALS } from '../tokenizer/byte';
import { CheckpointError, readSafetensors, writeSafetensorsFile, type NamedTensor } from './safetensors';

export interface Checkpoint {
  config: GPTConfig;
  /**
   * The dropout probability config.json declares (`resid_pdrop`; 0 when absent; folders from the Hub
   * declare 0.1). No graph in this engine applies dropout: inference ignores it, and the trainers
   * refuse a folder that declares one above 0 (its training would not be the one it declares).
   */
  dropout: number;
  /** Body tensors by GPT-2 name (no `transformer.` prefix), float32. */
  params: Record<string, Float32Array>;
  /** Tensors that are not part of the body (reward/value heads), by name. */
  extra: Record<string, NamedTensor>;
  /** Optimizer moments (m.<p>, v.<p>) when the folder holds training state. */
  optimizer?: Record<string, Float32Array>;
  trainerState?: Record<string, unknown>;
  /** 'byte' for models trained with the byte tokenizer; undefined when the folder has BPE files. */
  tokenizer?: 'byte';
  /** config.json's `rlhf_studio` object (e.g. { tokenizer: 'byte', reward: { shift, scale } }), when present. */
  meta?: Record<string, unknown>;
}

export interface SaveOptions {
  extra?: Record<string, NamedTensor>;
  optimizer?: Record<string, Float32Array>;
  trainerState?: Record<string, unknown>;
  /** 'byte', or a folder whose tokenizer files (tokenizer.json, vocab.json, merges.txt) are copied in. */
  tokenizer?: 'byte' | { copyFrom: string };
  /** Token ids written as bos_token_id / eos_token_id. */
  bos?: number;
  eos?: number;
  /** Merged into config.json's `rlhf_studio` object (e.g. a reward model's { reward: { shift, scale } }). */
  meta?: Record<string, unknown>;
  /** Files of the folder being replaced that the new one keeps (a trainer's cache, e.g. DPO's reference log-probs). */
  keep?: string[];
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
/** Buffers some exports store that are not parameters (the causal mask) or are tied (lm_head). */
const IGNORED = /^(h\.\d+\.attn\.(bias|masked_bias)|lm_head\.weight)$/;

/** GPT-2's config.json for `c`. */
export function hfConfig(c: GPTConfig, o: SaveOptions = {}): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocabSize,
    n_positions: c.nCtx,
    n_ctx: c.nCtx,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: c.layerNormEpsilon,
    // no graph applies dropout (see Checkpoint.dropout), and the trainers train only folders that declare none
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    initializer_range: 0.02,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    bos_token_id: o.bos ?? (o.tokenizer === 'byte' ? BYTE_SPECIALS['<|bos|>'] : c.vocabSize - 1),
    eos_token_id: o.eos ?? (o.tokenizer === 'byte' ? BYTE_SPECIALS['<|endoftext|>'] : c.vocabSize - 1),
    torch_dtype: 'float32',
    ...studioMeta(o),
  };
}

/** The `rlhf_studio` field of config.json: the tokenizer kind and the caller's meta, when there is any. */
function studioMeta(o: SaveOptions): Record<string, unknown> {
  const studio = { ...o.meta, ...(o.tokenizer === 'byte' ? { tokenizer: 'byte' } : {}) };
  return Object.keys(studio).length ? { rlhf_studio: studio } : {};
}

/** Reads GPT-2's config.json fields into a GPTConfig, naming the field that is wrong. */
export function configFromHf(j: Record<string, unknown>, file: string): GPTConfig {
  const num = (key: string, fallback?: unknown): number => {
    const v = j[key] ?? fallback;
    if (typeof v !== 'number') throw new ConfigError(`${file}: field ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  if (j.model_type !== undefined && j.model_type !== 'gpt2') throw new ConfigError(`${file}: model_type is ${JSON.stringify(j.model_type)}, only "gpt2" loads`);
  const act = j.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh')
    throw new ConfigError(`${file}: activation_function ${JSON.stringify(act)} is not supported (GPT-2 uses "gelu_new")`);
  if (j.n_inner !== undefined && j.n_inner !== null && j.n_inner !== 4 * num('n_embd')) throw new ConfigError(`${file}: n_inner must be null or 4·n_embd`);
  const config: GPTConfig = {
    vocabSize: num('vocab_size'),
    nCtx: num('n_positions', j.n_ctx),
    nEmbd: num('n_embd'),
    nLayer: num('n_layer'),
    nHead: num('n_head'),
    layerNormEpsilon: num('layer_norm_epsilon', 1e-5),
  };
  dropoutFromHf(j, file);
  return validateConfig(config, `${file}`);
}

/** config.json's declared dropout (`resid_pdrop`, 0 when absent), checked: a probability in [0, 1). */
function dropoutFromHf(j: Record<string, unknown>, file: string): number {
  const v = j.resid_pdrop ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ConfigError(`${file}: resid_pdrop (dropout) must be in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

/** Writes a model folder atomically (temporary folder, then rename). */
export function saveCheckpoint(dir: string, config: GPTConfig, params: Record<string, Float32Array>, o: SaveOptions = {}): void {
  validateConfig(config);
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, shape] of gptTensorShapes(config)) {
    const data = params[name];
    if (!data) throw new CheckpointError(`saveCheckpoint ${dir}: parameter ${name} is missing`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n)
      throw new CheckpointError(`saveCheckpoint ${dir}: parameter ${name} has ${data.length} values, the config needs [${shape.join(', ')}]`);
    tensors[name] = { data, shape };
  }
  for (const [name, t] of Object.entries(o.extra ?? {})) {
    if (tensors[name]) throw new CheckpointError(`saveCheckpoint ${dir}: extra tensor ${name} clashes with a body tensor`);
    tensors[name] = t;
  }
  const abs = path.resolve(dir);
  mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(hfConfig(config, o), null, 2)}\n`);
    writeSafetensorsFile(path.join(tmp, 'model.safetensors'), tensors);
    if (o.optimizer) {
      const opt: Record<string, NamedTensor> = {};
      for (const [name, data] of Object.entries(o.optimizer)) opt[name] = { data, shape: [data.length] };
      writeSafetensorsFile(path.join(tmp, 'optimizer.safetensors'), opt);
    }
    if (o.trainerState) writeFileSync(path.join(tmp, 'trainer_state.json'), `${JSON.stringify(o.trainerState, null, 2)}\n`);
    if (o.tokenizer && o.tokenizer !== 'byte') {
      for (const f of TOKENIZER_FILES) {
        const src = path.join(/*turbopackIgnore: true*/ o.tokenizer.copyFrom, f);
        if (existsSync(/*turbopackIgnore: true*/ src)) copyFileSync(src, path.join(tmp, f));
      }
    }
    for (const f of o.keep ?? []) if (existsSync(path.join(abs, f))) copyFileSync(path.join(abs, f), path.join(tmp, f));
    const old = `${abs}.old-${process.pid}-${Date.now()}`;
    if (existsSync(abs)) renameSync(abs, old);
    failpoint('checkpoint-swap');
    renameSync(tmp, abs);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Makes `dir` hold its last complete checkpoint after a save was cut short (the process killed):
 * when `dir` is missing but a copy moved aside (`dir.old-*`) is there, the newest one moves back;
 * the copies aside and the unfinished `dir.tmp-*` folders are removed. Returns what it did, for
 * the log (null: nothing to do). Call it before deciding whether to resume from `dir`.
 */
export function recoverCheckpoint(dir: string): string | null {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  if (!existsSync(parent)) return null;
  const base = path.basename(abs);
  // Names end in -<pid>-<Date.now()>: the newest copy aside is the one with the largest time.
  const stamp = (n: string) => Number(n.slice(n.lastIndexOf('-') + 1)) || 0;
  const aside = readdirSync(parent)
    .filter((n) => n.startsWith(`${base}.old-`))
    .sort((a, b) => stamp(b) - stamp(a));
  const unfinished = readdirSync(parent).filter((n) => n.startsWith(`${base}.tmp-`));
  if (!aside.length && !unfinished.length) return null;
  let did = '';
  if (!existsSync(abs) && aside.length) {
    renameSync(path.join(parent, aside[0]), abs);
    did = `restored ${base} from ${aside[0]} (a save was cut short)`;
    aside.shift();
  }
  for (const n of [...aside, ...unfinished]) rmSync(path.join(parent, n), { recursive: true, force: true });
  return did || `removed ${aside.length + unfinished.length} unfinished save folder(s) beside ${base}`;
}

/**
 * Fault injection for the crash tests (tests/faults): with RLHF_FAILPOINT=<name>:<n>, the n-th
 * time this process reaches failpoint <name> it stops there for 120 s, so a test can kill it at
 * exactly that moment. Unset (always, outside those tests) it costs one lookup.
 */
const failpointHits = new Map<string, number>();
function failpoint(name: string): void {
  const spec = process.env.RLHF_FAILPOINT;
  if (!spec?.startsWith(`${name}:`)) return;
  const hits = (failpointHits.get(name) ?? 0) + 1;
  failpointHits.set(name, hits);
  if (hits === Number(spec.slice(name.length + 1))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

/** Loads a model folder; errors name the file and the field or tensor. */
export function loadCheckpoint(dir: string): Checkpoint {
  if (!existsSync(dir)) throw new CheckpointError(`model folder ${dir} does not exist`);
  const cfgFile = path.join(dir, 'config.json');
  const modelFile = path.join(dir, 'model.safetensors');
  for (const f of [cfgFile, modelFile])
    if (!existsSync(/*turbopackIgnore: true*/ f)) throw new CheckpointError(`model folder ${dir} is missing ${path.basename(f)}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(cfgFile, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${cfgFile} does not parse as JSON: ${(e as Error).message}`);
  }
  const config = configFromHf(raw, cfgFile);
  const tensors = readSafetensors(modelFile);
  const byName = new Map<string, NamedTensor>();
  for (const [name, t] of Object.entries(tensors)) byName.set(name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, t);

  const params: Record<string, Float32Array> = {};
  for (const [name, shape] of gptTensorShapes(config)) {
    const t = byName.get(name);
    if (!t) throw new CheckpointError(`${modelFile} has no tensor ${name} (or transformer.${name}), which config.json requires`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`${modelFile}: tensor ${name} has shape [${t.shape.join(', ')}] but config.json needs [${shape.join(', ')}]`);
    }
    params[name] = t.data;
    byName.delete(name);
  }
  const extra: Record<string, NamedTensor> = {};
  for (const [name, t] of byName) if (!IGNORED.test(name)) extra[name] = t;

  const out: Checkpoint = { config, dropout: dropoutFromHf(raw, cfgFile), params, extra };
  const optFile = path.join(dir, 'optimizer.safetensors');
  if (existsSync(optFile)) out.optimizer = Object.fromEntries(Object.entries(readSafetensors(optFile)).map(([k, t]) => [k, t.data]));
  const stateFile = path.join(dir, 'trainer_state.json');
  if (existsSync(stateFile)) {
    try {
      out.trainerState = JSON.parse(readFileSync(stateFile, 'utf8'));
    } catch (e) {
      throw new CheckpointError(`${stateFile} does not parse as JSON: ${(e as Error).message}`);
    }
  }
  const studio = raw.rlhf_studio;
  if (studio && typeof studio === 'object' && !Array.isArray(studio)) {
    out.meta = studio as Record<string, unknown>;
    if (out.meta.tokenizer === 'byte') out.tokenizer = 'byte';
  }
  return out;
}
