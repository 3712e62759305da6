// GPT-2's byte-level byte-pair encoding, read from a model folder's own files
// (vocab.json + merges.txt, or tokenizer.json), for imported GPT-2-family weights.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TokenizerError, type Role, type Tokenizer } from './types';

/** GPT-2's pre-tokenizer: contractions, letter runs, digit runs, other runs, whitespace. */
const PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte -> printable unicode character map. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
}

export class BPETokenizer implements Tokenizer {
  readonly kind = 'gpt2-bpe' as const;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  private readonly ranks = new Map<string, number>();
  private readonly decoder: string[] = [];
  private readonly byteEncoder = bytesToUnicode();
  private readonly byteDecoder = new Map(this.byteEncoder.map((c, b) => [c, b]));
  private readonly cache = new Map<string, number[]>();
  private readonly textEncoder = new TextEncoder();

  /**
   * `vocab`: token string -> id; `merges`: pairs in priority order; `specials`: added tokens
   * such as <|endoftext|> (which serves as bos, eos and pad, as in GPT-2).
   */
  constructor(
    private readonly vocab: Map<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    specials: Record<string, number> = {},
  ) {
    merges.forEach(([a, b], i) => this.ranks.set(`${a} ${b}`, i));
    for (const [tok, id] of vocab) this.decoder[id] = tok;
    for (const [tok, id] of Object.entries(specials)) this.decoder[id] = tok;
    const eot = specials['<|endoftext|>'] ?? vocab.get('<|endoftext|>');
    if (eot === undefined) throw new TokenizerError('the GPT-2 vocabulary has no <|endoftext|> token');
    this.bos = this.eos = this.pad = eot;
    this.vocabSize = this.decoder.length;
  }

  /** Reads tokenizer.json, or vocab.json + merges.txt, from a model folder. */
  static fromDir(dir: string): BPETokenizer {
    const tj = path.join(dir, 'tokenizer.json');
    if (existsSync(tj)) return BPETokenizer.fromTokenizerJson(readFileSync(tj, 'utf8'), tj);
    const vj = path.join(dir, 'vocab.json');
    const mt = path.join(dir, 'merges.txt');
    for (const f of [vj, mt])
      if (!existsSync(/*turbopackIgnore: true*/ f))
        throw new TokenizerError(`${f} is missing: a GPT-2 tokenizer needs tokenizer.json, or vocab.json and merges.txt`);
    return BPETokenizer.fromFiles(readFileSync(vj, 'utf8'), readFileSync(mt, 'utf8'), vj, mt);
  }

  static fromFiles(vocabJson: string, mergesTxt: string, vocabName = 'vocab.json', mergesName = 'merges.txt'): BPETokenizer {
    const vocab = parseVocab(parseJson(vocabJson, vocabName), vocabName);
    const merges: Array<[string, string]> = [];
    mergesTxt.split('\n').forEach((line, i) => {
      if (i === 0 && line.startsWith('#version')) return;
      if (!line.trim()) return;
      const parts = line.split(' ');
      if (parts.length !== 2)
        throw new TokenizerError(`${mergesName} does not parse: line ${i + 1} should be two tokens separated by a space, got ${JSON.stringify(line)}`);
      merges.push([parts[0], parts[1]]);
    });
    return new BPETokenizer(vocab, merges);
  }

  static fromTokenizerJson(text: string, name = 'tokenizer.json'): BPETokenizer {
    const j = parseJson(text, name) as {
      model?: { type?: string; vocab?: unknown; merges?: unknown[] };
      added_tokens?: Array<{ id: number; content: string }>;
    };
    if (!j.model || (j.model.type && j.model.type !== 'BPE') || !j.model.vocab || !Array.isArray(j.model.merges)) {
      throw new TokenizerError(`${name} does not parse: it should hold a BPE model with "vocab" and "merges"`);
    }
    const vocab = parseVocab(j.model.vocab, name);
    const merges = j.model.merges.map((m, i): [string, string] => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (!Array.isArray(pair) || pair.length !== 2) throw new TokenizerError(`${name} does not parse: merge ${i} is not a pair`);
      return [String(pair[0]), String(pair[1])];
    });
    const specials = Object.fromEntries((j.added_tokens ?? []).map((t) => [t.content, t.id]));
    return new BPETokenizer(vocab, merges, specials);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of text.matchAll(PATTERN)) {
      const piece = m[0];
      let ids = this.cache.get(piece);
      if (!ids) {
        const chars = Array.from(this.textEncoder.encode(piece), (b) => this.byteEncoder[b]);
        ids = this.bpe(chars).map((t) => {
          const id = this.vocab.get(t);
          if (id === undefined) throw new TokenizerError(`the vocabulary has no token ${JSON.stringify(t)} that its merges produce`);
          return id;
        });
        if (this.cache.size < 100_000) this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Merges the lowest-ranked adjacent pair (all its occurrences, left to right) until none is known. */
  private bpe(parts: string[]): string[] {
    while (parts.length > 1) {
      let best = Infinity;
      let pair = '';
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < best) {
          best = r;
          pair = `${parts[i]} ${parts[i + 1]}`;
        }
      }
      if (best === Infinity) break;
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && `${parts[i]} ${parts[i + 1]}` === pair) {
          merged.push(parts[i] + parts[i + 1]);
          i++;
        } else merged.push(parts[i]);
      }
      parts = merged;
    }
    return parts;
  }

  decode(ids: readonly number[], o: { specials?: boolean } = {}): string {
    const bytes: number[] = [];
    const out: string[] = [];
    for (const id of ids) {
      const tok = this.decoder[id];
      if (tok === undefined) continue;
      if (!this.vocab.has(tok) || tok === '<|endoftext|>') {
        if (o.specials) {
          out.push(Buffer.from(bytes.splice(0)).toString('utf8'), tok);
        }
        continue;
      }
      for (const ch of tok) {
        const b = this.byteDecoder.get(ch);
        if (b !== undefined) bytes.push(b);
      }
    }
    out.push(Buffer.from(bytes).toString('utf8'));
    return out.join('');
  }

  /** GPT-2 has no role tokens: the markers are plain text, tokenized like any other. */
  roleTokens(role: Role): number[] {
    return this.encode(`<|${role}|>\n`);
  }
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerError(`${name} does not parse as JSON: ${(e as Error).message}`);
  }
}

function parseVocab(v: unknown, name: string): Map<string, number> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TokenizerError(`${name} does not parse: the vocabulary should be an object of token -> id`);
  const out = new Map<string, number>();
  for (const [k, id] of Object.entries(v as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      throw new TokenizerError(`${name} does not parse: token ${JSON.stringify(k)} has id ${JSON.stringify(id)}`);
    out.set(k, id);
  }
  return out;
}
