import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../ml/cli/args';
import { gptConfig, initGPT, saveCheckpoint } from '../../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsx = path.resolve('node_modules/.bin/tsx');

describe('command line', () => {
  it('parses --key value pairs over a config file', () => {
    expect(parseArgs(['sft', '--config', 'c.json', '--steps', '20', '--resume', '--modelOverrides', '{"nLayer":2}', '--out', 'm'])).toEqual({
      command: 'sft',
      config: 'c.json',
      options: { steps: 20, resume: true, modelOverrides: { nLayer: 2 }, out: 'm' },
    });
  });

  it('score prints per-token log-probabilities as JSON; bad input is one sentence', () => {
    const cfg = gptConfig('tiny');
    const model = path.join(dir, 'm');
    saveCheckpoint(model, cfg, initGPT(cfg, 1), { tokenizer: 'byte' });
    const conf = path.join(dir, 'score.json');
    writeFileSync(conf, JSON.stringify({ model }));
    const out = JSON.parse(execFileSync(tsx, ['ml/cli.ts', 'score', '--config', conf, '--text', 'héllo'], { encoding: 'utf8' }));
    expect(out.tokens).toHaveLength(6); // 6 UTF-8 bytes, each scored after <|bos|>
    expect(out.tokens[0]).toMatchObject({ id: 104, text: 'h' });
    expect(out.tokens.every((t: { logprob: number }) => t.logprob < 0)).toBe(true);
    expect(out.perplexity).toBeGreaterThan(100); // an untrained model: about the vocabulary size
    const bad = spawnSync(tsx, ['ml/cli.ts', 'score', '--model', path.join(dir, 'missing'), '--text', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^error: model folder .*missing does not exist$/);
  });
});
