// THE truncation policy (ml/train/truncate.ts): the response is kept whole and the prompt cut from
// the left with the chat markers intact; overlong responses are cut at the end or skipped; the
// counts, the log line and the refusal sentence.
import { describe, expect, it } from 'vitest';
import {
  BPETokenizer,
  ByteTokenizer,
  chatDataset,
  emptyStats,
  encodeChat,
  fitChat,
  refuseOverlong,
  tally,
  truncationLine,
  truncationMetrics,
  type ChatMessage,
  type Tokenizer,
} from '../../ml/index';

const tok = new ByteTokenizer();
const { bos, eos } = tok;
const [SYSTEM, USER, ASSISTANT] = [259, 260, 261];
const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
const bytes = (s: string) => tok.encode(s);
const LONG_PROMPT = 'Please explain, with care and at length, why the sky looks blue on a clear afternoon.';
const RESPONSE = 'Air scatters blue light more than red light (Rayleigh scattering).';

/** The chat markers of a fitted prompt are valid: bos, then (role content eos)*, then the assistant's role. */
function assertChatShape(ids: readonly number[]): void {
  expect(ids[0]).toBe(bos);
  expect([SYSTEM, USER, ASSISTANT]).toContain(ids[1]);
  expect(ids.at(-1)).toBe(ASSISTANT);
  // every eos closes a turn and is followed by a role marker
  ids.forEach((id, i) => {
    if (id === eos) expect([SYSTEM, USER, ASSISTANT]).toContain(ids[i + 1]);
  });
}

describe('the truncation policy', () => {
  it('keeps every response token of a long demonstration and cuts the prompt from the left, markers intact', () => {
    const whole = encodeChat(tok, [user(LONG_PROMPT), assistant(RESPONSE)]).ids;
    const f = fitChat(tok, [user(LONG_PROMPT)], [RESPONSE], { maxTokens: 100, overlong: 'truncate' });
    expect(whole.length).toBeGreaterThan(100);
    expect(f.responses[0]).toEqual([...bytes(RESPONSE), eos]); // all of it, eos included
    expect(f.prompt.length + f.responses[0]!.length).toBe(100); // the budget, used to the last token
    assertChatShape(f.prompt);
    // [bos, user, <the LAST bytes of the prompt>, eos, assistant]
    const kept = f.prompt.slice(2, -2);
    expect(f.prompt.slice(0, 2)).toEqual([bos, USER]);
    expect(f.prompt.slice(-2)).toEqual([eos, ASSISTANT]);
    expect(kept).toEqual(bytes(LONG_PROMPT).slice(-kept.length));
    expect(f).toMatchObject({ promptCut: whole.length - 100, truncated: 0, responseTokensDropped: 0, kept: true, needed: whole.length, markers: 4 });
  });

  it('leaves an example that fits exactly as encodeChat writes it', () => {
    const whole = encodeChat(tok, [user('hi'), assistant('hello')]);
    const f = fitChat(tok, [user('hi')], ['hello'], { maxTokens: whole.ids.length, overlong: 'skip' });
    expect([...f.prompt, ...f.responses[0]!]).toEqual(whole.ids);
    expect([...f.promptMask, ...f.responses[0]!.map(() => 1)]).toEqual(whole.responseMask);
    expect(f.promptCut).toBe(0);
  });

  it('drops the earliest whole turns of a conversation first, then cuts the oldest remaining turn from the left', () => {
    const convo = [{ role: 'system' as const, content: 'Be brief.' }, user('What is two plus two?'), assistant('Four.'), user('And three plus three?')];
    const whole = encodeChat(tok, [...convo, assistant('Six.')]);
    const sizes = convo.map((m) => 1 + bytes(m.content).length + 1); // role, content, eos
    const response = bytes('Six.').length + 1;
    const fixed = 2; // bos + the generation prompt

    // room for the last three turns whole: the system turn goes
    let f = fitChat(tok, convo, ['Six.'], { maxTokens: fixed + sizes[1] + sizes[2] + sizes[3] + response, overlong: 'skip' });
    expect([...f.prompt, ...f.responses[0]!]).toEqual([bos, ...whole.ids.slice(1 + sizes[0])]);
    expect(f.promptCut).toBe(sizes[0]);
    // the earlier answer kept whole is still a trained assistant turn (SFT learns every assistant turn)
    expect(f.promptMask).toEqual([0, ...whole.responseMask.slice(1 + sizes[0], whole.ids.length - response)]);
    assertChatShape(f.prompt);

    // two tokens short of that: the system turn goes and the first user turn loses its first two bytes
    f = fitChat(tok, convo, ['Six.'], { maxTokens: fixed + sizes[1] + sizes[2] + sizes[3] + response - 2, overlong: 'skip' });
    expect(f.prompt.slice(0, 3)).toEqual([bos, USER, ...bytes('at is two').slice(0, 1)]);
    expect(tok.decode(f.prompt.slice(2, 2 + sizes[1] - 4))).toBe('at is two plus two?');
    assertChatShape(f.prompt);

    // room for the last turn only, and part of it: the answer "Four." goes with the first turns, never half kept
    f = fitChat(tok, convo, ['Six.'], { maxTokens: fixed + 8 + response, overlong: 'skip' });
    expect(f.prompt).toEqual([bos, USER, ...bytes('three?'), eos, ASSISTANT]);
    expect(f.promptMask.every((m) => m === 0)).toBe(true);
  });

  it('an overlong response is cut at its end (truncate) or left out (skip), beside the minimal prompt', () => {
    const long = 'x'.repeat(50);
    const t = fitChat(tok, [user(LONG_PROMPT)], [long], { maxTokens: 30, overlong: 'truncate' });
    expect(t.prompt).toEqual([bos, USER, eos, ASSISTANT]); // the markers that must remain
    expect(t.responses[0]).toEqual(bytes(long).slice(0, 26)); // its first 26 tokens, no eos
    expect(t).toMatchObject({ truncated: 1, responseTokensDropped: 51 - 26, kept: true });

    const s = fitChat(tok, [user(LONG_PROMPT)], [long], { maxTokens: 30, overlong: 'skip' });
    expect(s).toMatchObject({ prompt: [], responses: [null], truncated: 0, responseTokensDropped: 51, kept: false });

    // a ranking: the long answer is skipped, the others keep one prompt, cut for the longest of them
    const r = fitChat(tok, [user(LONG_PROMPT)], ['short', long, 'a little longer'], { maxTokens: 30, overlong: 'skip' });
    expect(r.responses.map((x) => x && tok.decode(x))).toEqual(['short', null, 'a little longer']);
    expect(r.prompt.length + bytes('a little longer').length + 1).toBe(30);
    // a DPO pair skips together
    expect(fitChat(tok, [user('q')], ['short', long], { maxTokens: 30, overlong: 'skip', together: true }).responses).toEqual([null, null]);
  });

  it('a prompt with no response leaves `reserve` tokens free (PPO), or is not kept when its markers cannot fit', () => {
    const f = fitChat(tok, [user(LONG_PROMPT)], [], { maxTokens: 40, reserve: 16, overlong: 'skip' });
    expect(f.prompt.length).toBe(24);
    assertChatShape(f.prompt);
    expect(fitChat(tok, [user('q')], [], { maxTokens: 40, reserve: 37, overlong: 'skip' }).kept).toBe(false);
  });

  it('with GPT-2 BPE (role markers as text) the markers are never split', () => {
    const vocab: Record<string, number> = {};
    for (const ch of new Set('<|>usertasinhwxyz\u010a\u0120abcdefghijklmnopqrstuvwxyz.?'.split(''))) vocab[ch] = Object.keys(vocab).length;
    vocab['<|endoftext|>'] = Object.keys(vocab).length;
    const bpe: Tokenizer = BPETokenizer.fromFiles(JSON.stringify(vocab), '#version: 0.2\n');
    const role = bpe.roleTokens('user');
    const gen = bpe.roleTokens('assistant');
    expect(role.length).toBeGreaterThan(3); // "<|user|>\n" as plain text tokens
    const f = fitChat(bpe, [user('why is the sky blue?')], ['it scatters.'], {
      maxTokens: 1 + role.length + 5 + 1 + gen.length + bpe.encode('it scatters.').length + 1,
      overlong: 'skip',
    });
    expect(f.prompt.slice(1, 1 + role.length)).toEqual(role);
    expect(f.prompt.slice(-gen.length)).toEqual(gen);
    expect(bpe.decode(f.prompt.slice(1 + role.length, -gen.length - 1))).toBe('blue?');
    expect(f.responses[0]).toEqual([...bpe.encode('it scatters.'), bpe.eos]);
  });
});

describe('counting what the policy did', () => {
  // a mixed dataset at seqLen 40 (41 tokens): whole, prompt shortened, response cut or skipped
  const examples: ChatMessage[][] = [
    [user('hi'), assistant('hello')], // whole
    [user(LONG_PROMPT), assistant('Rayleigh.')], // prompt shortened
    [user('q'), assistant('y'.repeat(60))], // overlong: 61 response tokens, 37 fit beside the 4 markers
    [user(LONG_PROMPT), assistant('z'.repeat(45))], // overlong too
  ];

  it('counts examples shortened, cut, skipped and the response tokens dropped, for a mixed dataset', () => {
    const cut = chatDataset(tok, examples, 1, { seqLen: 40, overlong: 'truncate' });
    expect(cut.stats).toEqual({
      unit: 'examples',
      examples: 4,
      promptShortened: 3,
      responseTruncated: 2,
      skipped: 0,
      responseTokensDropped: 61 - 37 + 46 - 37,
      longest: 2 + 2 + bytes(LONG_PROMPT).length + 46,
    });
    expect(cut.size).toBe(4);
    const skip = chatDataset(tok, examples, 1, { seqLen: 40, overlong: 'skip' });
    expect(skip.stats).toMatchObject({ examples: 4, promptShortened: 1, responseTruncated: 0, skipped: 2, responseTokensDropped: 61 + 46 });
    expect(skip.size).toBe(2);
    expect(truncationMetrics(skip.stats)).toEqual({
      data_examples: 4,
      data_prompt_shortened: 1,
      data_response_truncated: 0,
      data_skipped: 2,
      data_response_tokens_dropped: 107,
    });
    expect(truncationLine(skip.stats, 'SFT data', { field: 'seqLen', value: 40, offset: 1 })).toBe(
      `warning: SFT data at seqLen 40: of 4 examples, 1 had the prompt shortened from the left, 2 were skipped; 107 response tokens dropped (the longest needs seqLen ${skip.stats.longest - 1})`,
    );
    const fine = chatDataset(tok, examples.slice(0, 1), 1, { seqLen: 40, overlong: 'skip' });
    expect(truncationLine(fine.stats, 'SFT data', { field: 'seqLen', value: 40, offset: 1 })).toBe(
      'SFT data: all 1 examples fit whole at seqLen 40 (the longest needs 11)',
    );
  });

  it('every batch of the fitted data has response tokens, and every response token of a kept example is trained on', () => {
    const d = chatDataset(tok, examples, 1, { seqLen: 40, overlong: 'truncate' });
    for (let step = 0; step < 20; step++) {
      const b = d.batch(2, 40, step, 0);
      expect(b.tokens).toBeGreaterThan(0);
    }
    const whole = chatDataset(tok, examples.slice(1, 2), 1, { seqLen: 40, overlong: 'skip' }).batch(1, 40, 0, 0);
    expect(whole.tokens).toBe(bytes('Rayleigh.').length + 1);
  });

  it('refuses with one sentence when more than the allowed share would lose response tokens', () => {
    const s = emptyStats('responses');
    for (const r of ['ok', 'w'.repeat(50), 'v'.repeat(50), 'fine']) tally(s, fitChat(tok, [user('q')], [r], { maxTokens: 30, overlong: 'skip' }), true);
    expect(s).toMatchObject({ examples: 4, skipped: 2 });
    const length = { field: 'seqLen', value: 30 };
    expect(() => refuseOverlong(s, 0.5, 'reward-model data', length)).not.toThrow();
    expect(() => refuseOverlong(s, 0.25, 'reward-model data', length)).toThrow(
      /^reward-model data: 2 of 4 responses \(50%\) would lose response tokens at seqLen 30, more than maxOverlongShare 25% allows; raise seqLen to 56 \(what the longest needs\) or maxOverlongShare$/,
    );
  });
});
