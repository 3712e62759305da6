// SFT under the truncation policy, starting from the case: the README walk-through (Tiny,
// seqLen 64, byte tokenizer) cut demonstrations from the right, so two of three lost their whole
// response and a batch with nothing to learn trained at loss 0, silently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteTokenizer, encodeChat, trainLM, type TrainProgress } from '../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'trunc-sft-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three demonstrations of the demo project, as a labeler writes them in the walk-through. */
const DEMOS = [
  {
    prompt: 'Explain the difference between a list and a tuple in Python in two sentences.',
    response: 'A list is mutable: you can add, remove and change its items. A tuple is immutable: once made it cannot change, so it can be a dictionary key.',
  },
  { prompt: 'What is the boiling point of water at sea level, in Celsius and Fahrenheit?', response: 'At sea level water boils at 100 °C, which is 212 °F.' },
  {
    prompt: 'Give three tips for writing a clear commit message.',
    response:
      '1. Keep the subject line short and in the imperative ("Fix login redirect").\n2. Explain why in the body, not only what.\n3. Make one logical change per commit.',
  },
];
const tok = new ByteTokenizer();
const whole = DEMOS.map(
  (d) =>
    encodeChat(tok, [
      { role: 'user', content: d.prompt },
      { role: 'assistant', content: d.response },
    ]).ids.length,
);
const responses = DEMOS.map((d) => tok.encode(d.response).length + 1);
const tiny = {
  model: 'tiny' as const,
  mode: 'sft' as const,
  batchSize: 4,
  warmupSteps: 2,
  maxLr: 3e-3,
  minLr: 3e-4,
  evalEvery: 0,
  saveEvery: 0,
  valFraction: 0,
  worker: false,
};

describe('SFT on demonstrations longer than seqLen (the issue case)', () => {
  const data = path.join(dir, 'demos.jsonl');
  writeFileSync(data, DEMOS.map((d) => JSON.stringify(d)).join('\n'));

  it('is refused before training at seqLen 64, in one sentence naming what the longest needs', async () => {
    const steps: TrainProgress[] = [];
    await expect(
      trainLM({ ...tiny, data: [data], out: path.join(dir, 'refused'), seqLen: 64, steps: 4 }, { onProgress: (p) => steps.push(p) }),
    ).rejects.toThrow(
      new RegExp(
        `^SFT data: 2 of 3 examples \\(67%\\) would lose response tokens at seqLen 64, more than maxOverlongShare 25% allows; raise seqLen to ${Math.max(...whole) - 1} \\(what the longest needs\\) or maxOverlongShare$`,
      ),
    );
    expect(steps).toEqual([]);
  });

  it('allowed to (maxOverlongShare 1), it skips the overlong ones, says so, and never trains on a batch without response tokens', async () => {
    const events: TrainProgress[] = [];
    await trainLM(
      { ...tiny, data: [data], out: path.join(dir, 'skip'), seqLen: 64, steps: 8, overlong: 'skip', maxOverlongShare: 1 },
      { onProgress: (p) => events.push(p) },
    );
    expect(events[0].event).toBe('data');
    expect(events[0].data!.metrics).toEqual({
      data_examples: 3,
      data_prompt_shortened: 1, // the one kept: its question loses its first words
      data_response_truncated: 0,
      data_skipped: 2,
      data_response_tokens_dropped: responses[0] + responses[2],
    });
    expect(events[0].data!.line).toMatch(
      /^warning: SFT data at seqLen 64: of 3 examples, 1 had the prompt shortened from the left, 2 were skipped; \d+ response tokens dropped/,
    );
    const steps = events.filter((p) => p.event === 'step');
    expect(steps).toHaveLength(8);
    for (const s of steps) expect(s.loss).toBeGreaterThan(0.1); // every batch holds the kept demonstration's response
  });

  it('truncating instead, each response keeps what fits beside the minimal prompt, with the prompt cut first', async () => {
    const events: TrainProgress[] = [];
    await trainLM({ ...tiny, data: [data], out: path.join(dir, 'cut'), seqLen: 64, steps: 4, maxOverlongShare: 1 }, { onProgress: (p) => events.push(p) });
    const room = 65 - 4; // seqLen + 1 tokens, less bos, the user's role, its eos and the assistant's role
    expect(events[0].data!.metrics).toEqual({
      data_examples: 3,
      data_prompt_shortened: 3,
      data_response_truncated: 2,
      data_skipped: 0,
      data_response_tokens_dropped: responses[0] - room + (responses[2] - room),
    });
    for (const s of events.filter((p) => p.event === 'step')) expect(s.loss).toBeGreaterThan(0.1);
  });

  it('at a seqLen the demonstrations fit in, nothing is lost and the log line says so', async () => {
    const events: TrainProgress[] = [];
    const seqLen = Math.max(...whole) - 1;
    await trainLM(
      { ...tiny, modelOverrides: { nCtx: 256 }, data: [data], out: path.join(dir, 'fits'), seqLen, steps: 2 },
      { onProgress: (p) => events.push(p) },
    );
    expect(events[0].data!.metrics).toMatchObject({
      data_examples: 3,
      data_prompt_shortened: 0,
      data_response_truncated: 0,
      data_skipped: 0,
      data_response_tokens_dropped: 0,
    });
    expect(events[0].data!.line).toBe(`SFT data: all 3 examples fit whole at seqLen ${seqLen} (the longest needs ${seqLen})`);
  });
});
