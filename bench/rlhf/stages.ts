// The pipeline's stages, each writing its output under the run's folder: pretraining a byte-level
// base on web text, SFT on demonstrations, labelling SFT samples (whole-ranking JSONL), the reward
// model, PPO. Training here reads only the files the simulated people wrote.

import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { trainLM } from '../../ml/index';
import { labelGroups } from './labelers';
import { demonstrations, webText } from './people';
import { samplePolicy } from './policy';
import type { BenchSettings } from './settings';
import type { Task } from './tasks';

/** Writes a file under a temporary name, then renames it into place. */
function writeText(file: string, text: string): string {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return file;
}

export const writeLines = (file: string, lines: readonly string[]): string => writeText(file, lines.join('\n') + '\n');

const log = (stage: string) => (p: { step: number; steps: number; loss: number; valLoss?: number; event: string }) => {
  if (p.event === 'eval' || p.event === 'done')
    console.log(`  ${stage} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)}${p.valLoss !== undefined ? ` val ${p.valLoss.toFixed(3)}` : ''}`);
};

/** Pretrains the base model on generated web text (question/answer notes, some wrong), none about a held-out prompt. */
export async function pretrainStage(s: BenchSettings, dir: string, heldOut: readonly Task[]): Promise<{ out: string; text: string; valLoss?: number }> {
  const text = writeText(path.join(dir, 'web.txt'), webText(s.pretrain.notes, s.seed * 31 + 1, s.pretrain.errorRate, new Set(heldOut.map((t) => t.prompt))));
  const p = s.pretrain;
  const r = await trainLM(
    {
      mode: 'pretrain',
      model: 'tiny',
      modelOverrides: s.model,
      data: [text],
      out: path.join(dir, 'base'),
      steps: p.steps,
      batchSize: p.batchSize,
      seqLen: p.seqLen,
      maxLr: p.maxLr,
      minLr: p.maxLr / 10,
      warmupSteps: Math.round(p.steps / 20),
      evalEvery: Math.round(p.steps / 4),
      saveEvery: 0,
      seed: s.seed,
      worker: false,
    },
    { onProgress: log('pretrain') },
  );
  return { out: r.out, text, valLoss: r.valLoss };
}

/** SFT of the base on a few hundred correct demonstrations, styled only sometimes. */
export async function sftStage(s: BenchSettings, dir: string, base: string, tasks: readonly Task[]): Promise<{ out: string; data: string }> {
  const data = writeLines(path.join(dir, 'sft.jsonl'), demonstrations(tasks, s.seed * 31 + 2, s.sft.styleRate));
  const r = await trainLM(
    {
      mode: 'sft',
      init: base,
      data: [data],
      valFraction: 0.1,
      out: path.join(dir, 'sft'),
      steps: s.sft.steps,
      batchSize: s.sft.batchSize,
      seqLen: s.sft.seqLen,
      maxLr: s.sft.maxLr,
      minLr: s.sft.maxLr / 10,
      warmupSteps: 10,
      evalEvery: Math.round(s.sft.steps / 3),
      saveEvery: 0,
      seed: s.seed + 1,
      worker: false,
    },
    { onProgress: log('sft') },
  );
  return { out: r.out, data };
}

export interface LabelResult {
  train: string;
  val: string;
  sigma: number;
  /** Two fresh labelers' pairwise agreement on the validation rankings' answers. */
  agreement: number;
  /** How often the oracle agrees with the labelers' strict preferences on the validation rankings. */
  noiseCeiling: number;
  /** Oracle-correct and styled fraction of the SFT samples that were ranked. */
  sftCorrect: number;
  sftStyled: number;
}

/** Samples K answers per prompt from the SFT policy (one per temperature); the simulated labelers rank them. */
export async function labelStage(s: BenchSettings, dir: string, sft: string, train: readonly Task[], val: readonly Task[]): Promise<LabelResult> {
  const all = [...train, ...val];
  const groups = all.map((t) => ({ prompt: t.prompt, responses: [] as string[] }));
  for (const [k, temperature] of s.label.temperatures.entries()) {
    const samples = await samplePolicy(
      sft,
      all.map((t) => t.prompt),
      { seed: (s.seed + 2) * 100 + k, temperature, maxNewTokens: s.label.maxNewTokens },
    );
    samples.texts.forEach((text, i) => groups[i].responses.push(text));
  }
  const l = labelGroups(groups, { seed: s.seed * 31 + 3, labelers: s.label.labelers, calibrate: train.length });
  return {
    train: writeLines(path.join(dir, 'rankings.jsonl'), l.lines.slice(0, train.length)),
    val: writeLines(path.join(dir, 'rankings-val.jsonl'), l.lines.slice(train.length)),
    sigma: l.sigma,
    agreement: l.agreement,
    noiseCeiling: l.noiseCeiling,
    sftCorrect: l.correct,
    sftStyled: l.styled,
  };
}
