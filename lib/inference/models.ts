// The inference server's loaded models: policies (generation in a worker thread) and reward
// scorers (scoring in a worker thread), looked up by artifact id in the database and kept in
// one small LRU.
import "server-only";
import { rewardInput, RewardScorer, runtimeFor } from "../../ml/index";
import type { Db } from "../db";
import { AppError } from "../errors";
import { Policy, type ChatTurn } from "../generation/policy";
import { findArtifact, POLICY_KINDS } from "../models/artifacts";
import { LruCache } from "./lru";

/** A reward model, with calls run one at a time. */
export class Scorer {
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(private readonly scorer: RewardScorer) {}

  static async load(dir: string, threads: number, device = "cpu"): Promise<Scorer> {
    return new Scorer(await RewardScorer.load(dir, runtimeFor(device, threads), { worker: true }));
  }

  /** Normalised rewards of each response to the conversation. */
  score(messages: ChatTurn[], responses: string[]): Promise<number[]> {
    const tok = this.scorer.tokenizer;
    const run = this.queue.then(() => this.scorer.score(responses.map((r) => rewardInput(tok, messages, r))));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.scorer.dispose();
  }
}

export class LoadedModels {
  private readonly cache: LruCache<Policy | Scorer>;

  constructor(
    private readonly db: Db,
    capacity = 4,
    private readonly threads = 2,
    /** "cpu" | "cuda" | "cuda:N": where every loaded model runs. */
    private readonly device = "cpu",
  ) {
    runtimeFor(device, threads); // an unknown device fails at start-up, not at the first request
    this.cache = new LruCache(capacity);
  }

  loadedKeys(): string[] {
    return this.cache.keys();
  }

  async policy(id: string): Promise<Policy> {
    const { view, dir } = await findArtifact(this.db, id);
    if (!POLICY_KINDS.includes(view.kind))
      throw new AppError("unprocessable", `The checkpoint "${view.name}" is a reward model: it scores answers but cannot write them.`);
    return (await this.cache.get(`policy:${id}`, async () => Policy.load(dir, this.threads, this.device))) as Policy;
  }

  async scorer(id: string): Promise<Scorer> {
    const { view, dir } = await findArtifact(this.db, id);
    if (view.kind !== "reward_model") throw new AppError("unprocessable", `The checkpoint "${view.name}" is not a reward model.`);
    return (await this.cache.get(`scorer:${id}`, () => Scorer.load(dir, this.threads, this.device))) as Scorer;
  }

  close(): Promise<void> {
    return this.cache.clear();
  }
}
