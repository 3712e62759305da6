// The byte-level tokenizer for models trained from scratch: ids 0-255 are the UTF-8 bytes,
// then the special tokens. Any text encodes; decoding joins the bytes back.

import type { Role, Tokenizer } from './types';

export const BYTE_SPECIALS = {
  '<|bos|>': 256,
  '<|endoftext|>': 257, // EOS: ends a document and every chat message
  '<|pad|>': 258,
  '<|system|>': 259,
  '<|user|>': 260,
  '<|assistant|>': 261,
} as const;

const ROLE_ID: Record<Role, number> = { system: 259, user: 260, assistant: 261 };
const NAMES = Object.fromEntries(Object.entries(BYTE_SPECIALS).map(([k, v]) => [v, k])) as Record<number, string>;

export class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte' as const;
  readonly vocabSize = 262;
  readonly bos = BYTE_SPECIALS['<|bos|>'];
  readonly eos = BYTE_SPECIALS['<|endoftext|>'];
  readonly pad = BYTE_SPECIALS['<|pad|>'];
  private readonly encoder = new TextEncoder();

  encode(text: string): number[] {
    return Array.from(this.encoder.encode(text));
  }

  decode(ids: readonly number[], o: { specials?: boolean } = {}): string {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) out.push(Buffer.from(bytes).toString('utf8'));
      bytes = [];
    };
    for (const id of ids) {
      if (id < 256) bytes.push(id);
      else {
        flush();
        if (o.specials) out.push(NAMES[id] ?? `<|${id}|>`);
      }
    }
    flush();
    return out.join('');
  }

  roleTokens(role: Role): number[] {
    return [ROLE_ID[role]];
  }
}
