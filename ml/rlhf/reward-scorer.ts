// RewardScorer: a trained reward model's rewards for full token sequences (prompt + response
// + eos, as rewardInput builds them). Sequences are right-padded in batches, the reward is read
// at each one's last real token, so padding never changes a score. Weights live once in the
// runner's state; one session per (batch, length) bucket.

import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';
import { StateRunner, type Runner } from '../runtime/state-runner';
import { WorkerRunner } from '../runtime/worker-runner';
import type { Tokenizer } from '../tokenizer/types';
import { fit, sequenceFeeds } from './reward-batch';
import { loadDecoder, readRewardHead, type RewardNorm } from './reward-checkpoint';
import { rewardsModel } from './reward-model';

/** Rows per run (a partial last batch is padded up to a power of two). */
const MAX_BATCH = 16;
/** Sequence lengths are rounded up to a multiple of this (fewer sessions). */
const LENGTH_STEP = 32;

export class RewardScorer {
  private readonly loaded = new Set<string>();

  private constructor(
    readonly config: GPTConfig,
    readonly tokenizer: Tokenizer,
    /** normalised = (raw − shift) / scale */
    readonly norm: RewardNorm,
    private readonly runner: Runner,
  ) {}

  /** Loads a reward-model folder; `worker: true` runs the engine in a worker thread. */
  static async load(dir: string, runtime: RuntimeConfig = {}, o: { worker?: boolean } = {}): Promise<RewardScorer> {
    const { ck, tok } = loadDecoder(dir);
    const { head, norm } = readRewardHead(ck, dir);
    const runner: Runner = o.worker ? new WorkerRunner(runtime) : new StateRunner(runtime);
    try {
      await runner.setState({ ...ck.params, 'score.weight': head.weight, 'score.bias': head.bias });
    } catch (e) {
      await runner.dispose();
      throw e;
    }
    return new RewardScorer(ck.config, tok, norm, runner);
  }

  /** Normalised rewards, one per sequence. */
  async score(seqs: number[][]): Promise<number[]> {
    return (await this.scoreRaw(seqs)).map((r) => (r - this.norm.shift) / this.norm.scale);
  }

  /** Raw head outputs, one per sequence (longer than the context: the last nCtx tokens are scored). */
  async scoreRaw(seqs: number[][]): Promise<number[]> {
    const V = this.config.vocabSize;
    seqs.forEach((s, i) => {
      if (!s.length) throw new RangeError(`RewardScorer: sequence ${i} is empty`);
      const bad = s.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
      if (bad !== undefined) throw new RangeError(`RewardScorer: sequence ${i} has token id ${bad}, outside the vocabulary [0, ${V})`);
    });
    const out: number[] = [];
    for (let i = 0; i < seqs.length; i += MAX_BATCH) {
      const chunk = seqs.slice(i, i + MAX_BATCH).map((s) => fit(s, this.config.nCtx));
      const N = Math.min(MAX_BATCH, 2 ** Math.ceil(Math.log2(chunk.length)));
      const T = Math.min(this.config.nCtx, Math.ceil(Math.max(...chunk.map((s) => s.length)) / LENGTH_STEP) * LENGTH_STEP);
      const key = `${N}x${T}`;
      if (!this.loaded.has(key)) {
        await this.runner.load(key, rewardsModel(this.config, N, T));
        this.loaded.add(key);
      }
      const r = (await this.runner.run(key, { ...sequenceFeeds(chunk, N, T, this.tokenizer.pad) })).rewards;
      for (let k = 0; k < chunk.length; k++) out.push(r[k] as number);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}
