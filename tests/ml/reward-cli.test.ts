import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gptConfig, initGPT, loadCheckpoint, saveCheckpoint } from '../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsx = path.resolve('node_modules/.bin/tsx');
const ml = (...args: string[]) => spawnSync(tsx, ['ml/cli.ts', ...args], { encoding: 'utf8' });

describe('npm run ml -- rm | reward', () => {
  it('rm trains from a config file with --key overrides; reward prints JSONL and the accuracy on stderr', () => {
    const cfg = gptConfig('tiny');
    const init = path.join(dir, 'sft');
    saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte' });
    const data = path.join(dir, 'rankings.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ prompt: `q${i}`, responses: [`meh ${i}`, `great ${i}!!`, `ok ${i}!`], ranking: 'B > C > A', tiers: [[1], [2], [0]] }),
    );
    writeFileSync(data, lines.join('\n'));
    const out = path.join(dir, 'rm');
    const conf = path.join(dir, 'rm.json');
    writeFileSync(conf, JSON.stringify({ init, data: [data], out, epochs: 1, maxLr: 3e-3 }));
    const train = ml('rm', '--config', conf, '--epochs', '4', '--batchSize', '4', '--worker', 'false');
    expect(train.status).toBe(0);
    const result = JSON.parse(train.stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ out, steps: 4 * Math.ceil(36 / 4) });
    expect(train.stderr).toMatch(/checkpoint written to .*rm/);
    expect(loadCheckpoint(out).meta?.reward).toEqual({ shift: result.shift, scale: result.scale });

    const input = path.join(dir, 'input.jsonl');
    writeFileSync(
      input,
      [
        { prompt: 'new question', response: 'fine!!' },
        {
          prompt: [{ role: 'user', content: 'new question' }],
          chosen: [{ role: 'assistant', content: 'sure!!' }],
          rejected: [{ role: 'assistant', content: 'nah' }],
        },
        { prompt: 'another', chosen: 'yes!', rejected: 'no' },
        { prompt: 'a tie', chosen: 'one', rejected: 'two', margin: 0 },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const scored = ml('reward', '--model', out, '--input', input);
    expect(scored.status).toBe(0);
    const rows = scored.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(4);
    expect(rows[3].correct).toBeNull(); // a tie: not in the accuracy
    expect(Object.keys(rows[0])).toEqual(['reward']);
    expect(Object.keys(rows[1])).toEqual(['chosen_reward', 'rejected_reward', 'correct']);
    expect(rows[1].correct).toBe(rows[1].chosen_reward > rows[1].rejected_reward);
    const summary = JSON.parse(scored.stderr.trim().split('\n').at(-1)!);
    expect(summary).toEqual({ lines: 4, pairs: 2, accuracy: [rows[1], rows[2]].filter((r) => r.correct).length / 2 });
    expect(summary.accuracy).toBe(1); // "!" is what the rankings preferred

    const bad = ml('reward', '--model', out, '--input', data);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^error: .*rankings\.jsonl line 1 has neither "prompt" and "response" nor "prompt", "chosen" and "rejected"$/);
    const badConf = ml('rm', '--config', conf, '--batchSize', '-2');
    expect(badConf.stderr.trim()).toBe('error: reward-model config: batchSize must be an integer >= 1, got -2');
  });
});
