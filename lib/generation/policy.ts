// A policy checkpoint loaded for sampling: its tokenizer and a Generator in a worker thread, so
// the process's event loop (the worker's heartbeats, the inference server's other requests)
// keeps running while tokens are sampled. Used by answer generation and the inference server.
import { encodeChat, GenerationError, GeneratorWorker, loadCheckpoint, loadTokenizer, runtimeFor, type GPTConfig, type Tokenizer } from "../../ml/index";

export type ChatTurn = { role: "system" | "user" | "assistant"; content: string };

export type Sampling = { temperature: number; topP: number; topK: number; maxNewTokens: number; seed: number };

export type SampledAnswer = {
  text: string;
  /** New tokens, the closing eos included when the answer finished. */
  tokens: number[];
  /** Whether the answer ended with eos (else it ran out of maxNewTokens). */
  finished: boolean;
};

export class Policy {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly config: GPTConfig,
    readonly tokenizer: Tokenizer,
    private readonly gen: GeneratorWorker,
  ) {}

  /** `device`: "cpu" | "cuda" | "cuda:N" (a wrong one fails here, before the worker thread starts). */
  static load(dir: string, threads = 2, device = "cpu"): Policy {
    const rt = runtimeFor(device, threads);
    const ck = loadCheckpoint(dir);
    const tok = loadTokenizer(dir);
    return new Policy(dir, ck.config, tok, new GeneratorWorker(ck.config, ck.params, rt));
  }

  /** The prompt's tokens in the chat format, ending with the assistant's role tokens. */
  promptIds(messages: readonly ChatTurn[]): number[] {
    return encodeChat(this.tokenizer, messages, { addGenerationPrompt: true }).ids;
  }

  /** `n` sampled answers to one conversation (one batch). Calls run one at a time. */
  sample(messages: readonly ChatTurn[], n: number, s: Sampling): Promise<SampledAnswer[]> {
    const run = this.queue.then(() => this.sampleNow(messages, n, s));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sampleNow(messages: readonly ChatTurn[], n: number, s: Sampling): Promise<SampledAnswer[]> {
    const ids = this.promptIds(messages);
    const room = this.config.nCtx - ids.length;
    if (room < 1) throw new GenerationError(`The prompt takes ${ids.length} tokens, which fills the model's context of ${this.config.nCtx}.`);
    const out = await this.gen.generate(
      Array.from({ length: n }, () => ids),
      {
        maxNewTokens: Math.min(s.maxNewTokens, room),
        temperature: s.temperature,
        topP: s.topP,
        topK: s.topK,
        eos: this.tokenizer.eos,
        seed: s.seed,
      },
    );
    return out.tokens.map((tokens, i) => {
      const finished = out.finished[i] === true;
      const body = finished ? tokens.slice(0, -1) : tokens;
      return { text: this.tokenizer.decode(body), tokens, finished };
    });
  }

  /** Waits for the calls already queued, then ends the worker thread. */
  async dispose(): Promise<void> {
    await this.queue;
    await this.gen.dispose().catch(() => undefined);
  }
}
