// Tokenizers and the chat format.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BPETokenizer } from './bpe';
import { ByteTokenizer } from './byte';
import { TokenizerError, type Tokenizer } from './types';

export { BPETokenizer, bytesToUnicode } from './bpe';
export { BYTE_SPECIALS, ByteTokenizer } from './byte';
export { encodeChat, encodePromptResponse, type ChatMessage, type EncodedChat } from './chat';
export { TokenizerError, type Role, type Tokenizer } from './types';

/**
 * The tokenizer of a model folder: GPT-2 BPE when it has tokenizer.json or vocab.json +
 * merges.txt, else the byte tokenizer when its config.json says so (models trained here).
 */
export function loadTokenizer(dir: string): Tokenizer {
  if (existsSync(path.join(dir, 'tokenizer.json')) || existsSync(path.join(dir, 'vocab.json'))) return BPETokenizer.fromDir(dir);
  const cfg = path.join(dir, 'config.json');
  if (existsSync(cfg)) {
    let kind: unknown;
    try {
      kind = (JSON.parse(readFileSync(cfg, 'utf8')) as { rlhf_studio?: { tokenizer?: string } }).rlhf_studio?.tokenizer;
    } catch {
      kind = undefined;
    }
    if (kind === 'byte') return new ByteTokenizer();
  }
  throw new TokenizerError(`${dir} has no tokenizer: expected tokenizer.json, vocab.json + merges.txt, or a config.json with rlhf_studio.tokenizer = "byte"`);
}

/** The tokenizer of a loaded checkpoint: the byte tokenizer when its config says so (`Checkpoint.tokenizer`), else the folder's files. */
export function checkpointTokenizer(dir: string, kind: 'byte' | undefined): Tokenizer {
  return kind === 'byte' ? new ByteTokenizer() : loadTokenizer(dir);
}
