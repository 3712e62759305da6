// Checks a Hugging Face GPT-2 model folder before it is imported, without loading its weights:
// config.json parses into a GPTConfig; model.safetensors' header (read alone, so a 500 MB file
// costs one small read) lists exactly the tensors the config needs, each with its shape, a dtype
// that loads and byte offsets inside the file; the tokenizer (tokenizer.json, or vocab.json +
// merges.txt, or the byte tokenizer of a folder written here) parses, encodes a sample text and
// has no id the embedding cannot hold. The first problem is one sentence (ModelFolderError).

import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, paramCount, type GPTConfig } from '../model/config';
import { gptTensorShapes } from '../model/gpt';
import { loadTokenizer, TokenizerError } from '../tokenizer/index';
import { configFromHf } from './checkpoint';

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

export interface ModelFolderInfo {
  config: GPTConfig;
  /** Parameters of the body (the lm head is tied to wte). */
  params: number;
  /** Bytes of the folder's files (top level). */
  bytes: number;
  /** The dtype the weights are stored in (converted to float32 when loaded). */
  dtype: string;
  tokenizer: { kind: 'gpt2-bpe' | 'byte'; vocabSize: number };
}

/** Files an imported folder may hold; anything else is left out of the copy. */
export const MODEL_FOLDER_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json',
  'vocab.json',
  'merges.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'generation_config.json',
] as const;

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
/** Tensors some exports store that are not parameters: the causal-mask buffers, the tied lm head. */
const BUFFERS = /^(h\.\d+\.attn\.(bias|masked_bias)|lm_head\.weight)$/;
/** A safetensors header larger than this is not a GPT-2 checkpoint (gpt2's is about 15 KB). */
const MAX_HEADER = 100 * 1024 * 1024;

type HeaderEntry = { dtype: string; shape: number[]; data_offsets: [number, number] };

const fail = (msg: string): never => {
  throw new ModelFolderError(msg);
};

/** The safetensors header of `file` and the file's size, reading only the header's bytes. */
export function readSafetensorsHeader(file: string): { header: Record<string, HeaderEntry>; dataStart: number; size: number } {
  const name = path.basename(file);
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 8) fail(`${name} is not a safetensors file: it is only ${size} bytes long.`);
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    if (n > MAX_HEADER || 8 + n > size) fail(`${name} is not a safetensors file: its header length (${n} bytes) does not fit the file.`);
    const head = Buffer.alloc(n);
    readSync(fd, head, 0, n, 8);
    let header: unknown;
    try {
      header = JSON.parse(head.toString('utf8'));
    } catch {
      fail(`${name} is not a safetensors file: its header is not JSON.`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) fail(`${name} is not a safetensors file: its header is not an object.`);
    const out: Record<string, HeaderEntry> = {};
    for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
      if (k === '__metadata__') continue;
      const e = v as Partial<HeaderEntry> | null;
      const ok =
        e &&
        typeof e.dtype === 'string' &&
        Array.isArray(e.shape) &&
        e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        Array.isArray(e.data_offsets) &&
        e.data_offsets.length === 2 &&
        e.data_offsets.every((d) => Number.isInteger(d) && d >= 0);
      if (!ok) fail(`${name}: the header entry of tensor ${k} is malformed (it needs dtype, shape and data_offsets).`);
      out[k] = e as HeaderEntry;
    }
    return { header: out, dataStart: 8 + n, size };
  } finally {
    closeSync(fd);
  }
}

function readConfig(dir: string): GPTConfig {
  const file = path.join(dir, 'config.json');
  if (!existsSync(file)) fail('The folder has no config.json.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`config.json is not valid JSON: ${(e as Error).message}.`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('config.json must hold a JSON object.');
  try {
    return configFromHf(raw as Record<string, unknown>, 'config.json');
  } catch (e) {
    if (e instanceof ConfigError) fail(`${e.message.replace(/\.$/, '')}.`);
    throw e;
  }
}

/** Checks model.safetensors' tensors against the config: names, shapes, dtypes, offsets. Returns the dtype. */
function checkTensors(dir: string, config: GPTConfig): string {
  const file = path.join(dir, 'model.safetensors');
  if (!existsSync(file)) fail('The folder has no model.safetensors.');
  const { header, dataStart, size } = readSafetensorsHeader(file);
  const byName = new Map<string, { key: string; e: HeaderEntry }>();
  for (const [key, e] of Object.entries(header)) byName.set(key.startsWith('transformer.') ? key.slice('transformer.'.length) : key, { key, e });
  const dtypes = new Set<string>();
  const check = (key: string, e: HeaderEntry, shape: readonly number[] | undefined) => {
    const width = DTYPE_BYTES[e.dtype];
    if (!width) fail(`model.safetensors: tensor ${key} has dtype ${e.dtype}; only F32, F16, BF16 and F64 load.`);
    if (shape && (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])))
      fail(`model.safetensors: tensor ${key} has shape [${e.shape.join(', ')}] but config.json needs [${shape.join(', ')}].`);
    const [s, t] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (t - s !== count * width) fail(`model.safetensors: tensor ${key} spans ${t - s} bytes but ${count} ${e.dtype} values need ${count * width}.`);
    if (dataStart + t > size) fail(`model.safetensors: tensor ${key} extends past the end of the file (the file is cut short).`);
    dtypes.add(e.dtype);
  };
  const shapes = gptTensorShapes(config);
  const wteShape = shapes.find(([name]) => name === 'wte.weight')![1]; // lm_head is tied to wte
  for (const [name, shape] of shapes) {
    const t = byName.get(name);
    if (!t) fail(`model.safetensors has no tensor ${name}, which config.json (${config.nLayer} layers) requires.`);
    check(t!.key, t!.e, shape);
    byName.delete(name);
  }
  for (const [name, { key, e }] of byName) {
    if (!BUFFERS.test(name)) fail(`model.safetensors has a tensor ${key} that a GPT-2 language model of this config does not have.`);
    check(key, e, name === 'lm_head.weight' ? wteShape : undefined);
  }
  return [...dtypes].sort().join('+');
}

/** Checks the tokenizer files against the config's vocabulary. */
function checkTokenizer(dir: string, config: GPTConfig): ModelFolderInfo['tokenizer'] {
  const hasBpe = ['tokenizer.json', 'vocab.json', 'merges.txt'].some((f) => existsSync(path.join(dir, f)));
  if (hasBpe && !existsSync(path.join(dir, 'tokenizer.json'))) {
    for (const f of ['vocab.json', 'merges.txt'])
      if (!existsSync(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ dir, f)))
        fail(`The folder has vocab.json or merges.txt but not ${f}: a GPT-2 tokenizer needs tokenizer.json, or vocab.json and merges.txt.`);
  }
  let tok;
  try {
    tok = loadTokenizer(dir);
  } catch (e) {
    if (e instanceof TokenizerError)
      fail(
        hasBpe
          ? `The tokenizer does not load: ${e.message.split(`${dir}${path.sep}`).join('').replace(/\.$/, '')}.`
          : 'The folder has no tokenizer: it needs tokenizer.json, or vocab.json and merges.txt.',
      );
    throw e;
  }
  if (tok.vocabSize > config.vocabSize)
    fail(
      `The tokenizer has ${tok.vocabSize} tokens but config.json's vocab_size is ${config.vocabSize}: token ids past ${config.vocabSize - 1} would have no embedding.`,
    );
  try {
    tok.encode('Hello world, 123!');
  } catch (e) {
    if (e instanceof TokenizerError) fail(`The tokenizer does not work: ${e.message.replace(/\.$/, '')}.`);
    throw e;
  }
  return { kind: tok.kind === 'byte' ? 'byte' : 'gpt2-bpe', vocabSize: tok.vocabSize };
}

/** Validates a model folder; throws a ModelFolderError with one sentence naming the first problem. */
export function validateModelFolder(dir: string): ModelFolderInfo {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return fail(`There is no folder at ${dir}.`);
  }
  if (!st.isDirectory()) fail(`${dir} is not a folder: give the folder that holds config.json, model.safetensors and the tokenizer files.`);
  const config = readConfig(dir);
  const dtype = checkTensors(dir, config);
  const tokenizer = checkTokenizer(dir, config);
  let bytes = 0;
  for (const f of MODEL_FOLDER_FILES)
    if (existsSync(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ dir, f)))
      bytes += statSync(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ dir, f)).size;
  return { config, params: paramCount(config), bytes, dtype, tokenizer };
}
