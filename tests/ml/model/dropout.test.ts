// Dropout is not a feature of this engine: the model config has no such field. A Hugging Face
// folder's declared dropout (config.json resid_pdrop; the Hub's gpt2 declares 0.1) is read beside the
// config, checked, ignored by inference and refused by the trainers unless modelOverrides.dropout is 0.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint, trainLM } from '../../../ml/index';
import { writeGpt2Folder } from '../../helpers/gpt2-folder';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt-dropout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a folder that declares dropout', () => {
  const folder = writeGpt2Folder(path.join(dir, 'hub'), { dropout: 0.1 });

  it('loads: the declared value beside the config, which has no dropout field; a save declares none', () => {
    const ck = loadCheckpoint(folder);
    expect(ck.dropout).toBe(0.1);
    expect(ck.config).not.toHaveProperty('dropout');
    saveCheckpoint(path.join(dir, 'saved'), ck.config, ck.params);
    const saved = JSON.parse(readFileSync(path.join(dir, 'saved', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0 });
    expect(loadCheckpoint(path.join(dir, 'saved')).dropout).toBe(0);
  });

  it('is refused when the value is no probability, naming the field', () => {
    const bad = writeGpt2Folder(path.join(dir, 'bad'), { dropout: 1.5 });
    expect(() => loadCheckpoint(bad)).toThrow(/resid_pdrop \(dropout\) must be in \[0, 1\), got 1\.5/);
  });

  it('is refused by the trainer, and trains when modelOverrides.dropout says 0', async () => {
    const data = path.join(dir, 'corpus.txt');
    writeFileSync(data, 'the cat sat on the mat. '.repeat(40));
    const base = { mode: 'pretrain' as const, init: folder, data: [data], batchSize: 2, seqLen: 16, steps: 1, evalEvery: 0, saveEvery: 0, worker: false };
    await expect(trainLM({ ...base, out: path.join(dir, 'refused') })).rejects.toThrow(
      /model dropout 0\.1 \(from .*config\.json\) is not supported by the trainer yet; set modelOverrides\.dropout to 0/,
    );
    const r = await trainLM({ ...base, out: path.join(dir, 'trained'), modelOverrides: { dropout: 0 } });
    expect(r.step).toBe(1);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(loadCheckpoint(path.join(dir, 'trained')).dropout).toBe(0);
  });
});
