// Best-of-N (rejection sampling, as InstructGPT's and Llama 2's): the policy samples N answers per
// prompt, the reward model scores them, and the highest-scoring one is kept. As a generation source
// it makes SFT data (demonstrations, to distil the best answers back into a policy); as a baseline
// it is what a reward model buys without any RL.

import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../model/config';
import { Generator } from '../generate/generator';
import type { RuntimeConfig } from '../runtime/config';
import type { ChatMessage } from '../tokenizer/chat';
import { emptyStats } from '../train/truncate-report';
import { fitPrompts, mixSeed, readPrompts } from './ppo-data';
import { assertSameTokenizer } from './same-decoder';
import { loadDecoder } from './reward-checkpoint';
import { RewardScorer } from './reward-scorer';

export interface BestOfNOptions {
  /** Answers sampled per prompt (N >= 1). */
  n: number;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  seed: number;
  /** Prompts sampled together (each with its N answers): rows per generation batch = batchPrompts · N. */
  batchPrompts?: number;
  runtime?: RuntimeConfig;
  /** Called after each batch with the prompts done so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface BestOfNPick {
  /** Index of the prompt in the input. */
  index: number;
  /** Sampled tokens of the kept answer (its eos included when it finished). */
  tokens: number[];
  /** The kept answer's text (no eos). */
  text: string;
  /** Its normalised reward-model score, and every sample's. */
  score: number;
  scores: number[];
  finished: boolean;
}

/** The best of N sampled answers for each prompt (ids with the generation prompt), by the scorer. */
export async function bestOfN(gen: Generator, scorer: RewardScorer, prompts: readonly number[][], o: BestOfNOptions): Promise<BestOfNPick[]> {
  if (!Number.isInteger(o.n) || o.n < 1) throw new ConfigError(`best-of-N: n must be an integer >= 1, got ${o.n}`);
  const tok = scorer.tokenizer;
  const per = Math.max(1, o.batchPrompts ?? Math.max(1, Math.floor(16 / o.n)));
  const out: BestOfNPick[] = [];
  for (let i = 0; i < prompts.length && !o.signal?.aborted; i += per) {
    const chunk = prompts.slice(i, i + per);
    const rows = chunk.flatMap((p) => Array.from({ length: o.n }, () => p));
    const g = await gen.generate(rows, {
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature,
      topP: o.topP,
      eos: tok.eos,
      pad: tok.pad,
      seed: mixSeed(o.seed, i, 11),
    });
    const scores = await scorer.score(rows.map((p, r) => [...p, ...g.tokens[r], ...(g.finished[r] ? [] : [tok.eos])]));
    chunk.forEach((_, c) => {
      const s = scores.slice(c * o.n, (c + 1) * o.n);
      let best = 0;
      for (let k = 1; k < o.n; k++) if (s[k] > s[best]) best = k;
      const r = c * o.n + best;
      const tokens = g.tokens[r];
      out.push({ index: i + c, tokens, text: tok.decode(g.finished[r] ? tokens.slice(0, -1) : tokens), score: s[best], scores: s, finished: g.finished[r] });
    });
    o.onProgress?.(Math.min(prompts.length, i + per), prompts.length);
  }
  return out;
}

export interface DistillConfig extends Omit<BestOfNOptions, 'runtime' | 'onProgress' | 'signal'> {
  policy: string;
  reward: string;
  /** Prompt files (the PPO-prompts export: {prompt} or {messages}). */
  prompts: string[];
  /** The SFT JSONL written: one {messages} line per prompt, ending with the kept answer. */
  out: string;
  threads?: number;
}

export interface DistillResult {
  out: string;
  lines: number;
  /** Mean kept score, and the mean score of all samples (what one sample would get on average). */
  meanBest: number;
  meanSample: number;
}

/** Best-of-N distillation data: the policy's best answer per prompt as SFT demonstrations (written atomically). */
export async function bestOfNDistill(c: DistillConfig, hooks: Pick<BestOfNOptions, 'onProgress' | 'signal'> = {}): Promise<DistillResult> {
  const policy = loadDecoder(c.policy, 'policy');
  const rmDecoder = loadDecoder(c.reward, 'reward model');
  assertSameTokenizer({ config: policy.ck.config, tok: policy.tok }, { config: rmDecoder.ck.config, tok: rmDecoder.tok }, c.reward);
  const chats: ChatMessage[][] = readPrompts(c.prompts);
  const maxTokens = Math.min(policy.ck.config.nCtx, rmDecoder.ck.config.nCtx);
  if (c.maxNewTokens >= maxTokens)
    throw new ConfigError(`best-of-N: maxNewTokens ${c.maxNewTokens} leaves no room for the prompt in the ${maxTokens}-token context`);
  const ids = fitPrompts(policy.tok, chats, { maxTokens, maxNewTokens: c.maxNewTokens, stats: emptyStats('prompts') });
  const runtime = { intraOpThreads: c.threads ?? 2 };
  const gen = await Generator.create(policy.ck.config, policy.ck.params, runtime);
  const scorer = await RewardScorer.load(c.reward, runtime);
  try {
    const picks = await bestOfN(gen, scorer, ids, { ...c, runtime, ...hooks });
    const lines = picks.map((p) => JSON.stringify({ messages: [...chats[p.index], { role: 'assistant', content: p.text }], score: p.score }));
    mkdirSync(path.dirname(path.resolve(c.out)), { recursive: true });
    const tmp = `${c.out}.tmp-${process.pid}`;
    writeFileSync(tmp, lines.join('\n') + '\n');
    renameSync(tmp, c.out);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return { out: c.out, lines: lines.length, meanBest: mean(picks.map((p) => p.score)), meanSample: mean(picks.flatMap((p) => p.scores)) };
  } finally {
    await gen.dispose();
    await scorer.dispose();
  }
}
