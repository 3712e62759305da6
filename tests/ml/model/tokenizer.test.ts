import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { afterAll, describe, expect, it } from 'vitest';
import { BPETokenizer, ByteTokenizer, bytesToUnicode, encodeChat, loadTokenizer } from '../../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = [
  'Hello, world! The quick brown fox jumps over the lazy dog.',
  "It's 2024-06-01: we've spent $1,234.56 (≈ €1.1k) and they'll say I'd've won.",
  'Unicode: naïve café, Ærøskøbing, 東京タワー, Привет мир, 🙂🚀👩‍💻, ∑ᵢ xᵢ² ≥ 0.',
  'Whitespace:   three spaces,\ttab,\t\t two tabs,\n\nnew lines\r\n and trailing   ',
  'Digits 0 00 007 3.14159 1e-9 123456789012345678901234567890',
  'function add(a: number, b: number): number {\n    return a + b; // sum\n}\nconst x = [1, 2, 3].map((v) => v ** 2);',
  '<|user|>\nangle <brackets> & "quotes" \'single\' __dunder__ ---- ===== !!!???',
].join('\n');

/**
 * GPT-2's vocab.json and merges.txt rebuilt from js-tiktoken's ranks: rank 0-255 are the bytes;
 * each longer token's merge is the split that byte-pair merging with lower ranks arrives at.
 */
function gpt2Files(): { vocab: string; merges: string } {
  const ranks = new Map<string, number>(); // latin1 key of the token bytes -> rank
  for (const line of gpt2Ranks.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offset, ...tokens] = line.split(' ');
    tokens.forEach((t, i) => ranks.set(Buffer.from(t, 'base64').toString('latin1'), Number(offset) + i));
  }
  const byRank = [...ranks].sort((a, b) => a[1] - b[1]);
  const enc = bytesToUnicode();
  const show = (s: string) => Array.from(s, (ch) => enc[ch.charCodeAt(0)]).join('');
  const vocab: Record<string, number> = {};
  const merges: string[] = [];
  for (const [tok, rank] of byRank) {
    vocab[show(tok)] = rank;
    if (tok.length === 1) continue;
    let parts = Array.from(tok);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = ranks.get(parts[i] + parts[i + 1]);
        if (r !== undefined && r < rank && r < best) [best, at] = [r, i];
      }
      if (at < 0) break;
      parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
    }
    expect(parts.length).toBe(2);
    merges.push(`${show(parts[0])} ${show(parts[1])}`);
  }
  vocab['<|endoftext|>'] = 50256;
  return { vocab: JSON.stringify(vocab), merges: `#version: 0.2\n${merges.join('\n')}\n` };
}

describe('tokenizers', () => {
  it('byte tokenizer round-trips any text and keeps special strings as plain bytes', () => {
    const tok = new ByteTokenizer();
    const ids = tok.encode(TEXT);
    expect(ids.every((i) => i < 256)).toBe(true);
    expect(tok.decode(ids)).toBe(TEXT);
    expect(tok.decode([tok.bos, ...tok.encode('hi'), tok.eos], { specials: true })).toBe('<|bos|>hi<|endoftext|>');
  });

  it('one chat format marks the response span', () => {
    const tok = new ByteTokenizer();
    const chat = encodeChat(tok, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi?' },
      { role: 'assistant', content: 'Hello.' },
    ]);
    const [s, e] = chat.responseSpan;
    expect(tok.decode(chat.ids.slice(s, e), { specials: true })).toBe('Hello.<|endoftext|>');
    expect(chat.responseMask.reduce((a, b) => a + b, 0)).toBe(e - s);
    expect(chat.ids.slice(0, 2)).toEqual([tok.bos, 259]);
    const prompt = encodeChat(tok, [{ role: 'user', content: 'Hi?' }], { addGenerationPrompt: true });
    expect(prompt.ids.at(-1)).toBe(261);
    expect(prompt.responseMask.every((m) => m === 0)).toBe(true);
  });

  it('GPT-2 BPE from vocab.json + merges.txt and from tokenizer.json matches js-tiktoken token for token', () => {
    const { vocab, merges } = gpt2Files();
    const folder = path.join(dir, 'gpt2');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'vocab.json'), vocab);
    writeFileSync(path.join(folder, 'merges.txt'), merges);
    const ref = getEncoding('gpt2');
    const tok = loadTokenizer(folder);
    const want = ref.encode(TEXT);
    expect(tok.encode(TEXT)).toEqual(want);
    expect(tok.decode(want)).toBe(TEXT);
    expect(tok.eos).toBe(50256);
    expect(tok.vocabSize).toBe(50257);

    const tj = JSON.stringify({
      model: { type: 'BPE', vocab: JSON.parse(vocab), merges: merges.split('\n').slice(1, -1) },
      added_tokens: [{ id: 50256, content: '<|endoftext|>' }],
    });
    expect(BPETokenizer.fromTokenizerJson(tj).encode(TEXT)).toEqual(want);
  });

  it('a tokenizer file that does not parse gets one sentence naming the file', () => {
    const folder = path.join(dir, 'broken');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'tokenizer.json'), '{"model": ');
    expect(() => loadTokenizer(folder)).toThrow(/tokenizer\.json does not parse as JSON/);
    rmSync(path.join(folder, 'tokenizer.json'));
    writeFileSync(path.join(folder, 'vocab.json'), '{}');
    expect(() => loadTokenizer(folder)).toThrow(/merges\.txt is missing/);
  });
});
