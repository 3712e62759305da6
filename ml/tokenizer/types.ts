// What every tokenizer offers: text <-> ids, the special tokens, and the chat role markers.

export type Role = 'system' | 'user' | 'assistant';

export interface Tokenizer {
  readonly kind: 'byte' | 'gpt2-bpe';
  /** Ids are in [0, vocabSize). */
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  /** Plain text to ids. Special-token strings in the text stay plain text (no injection). */
  encode(text: string): number[];
  /** Ids to text; special tokens are dropped unless `specials` is true. */
  decode(ids: readonly number[], o?: { specials?: boolean }): string;
  /** The tokens that open a chat message of `role`. */
  roleTokens(role: Role): number[];
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}
