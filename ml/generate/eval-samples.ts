// Sample generations at an evaluation: a trainer's current weights answer a fixed set of held-out
// prompts (greedy by default, or seeded sampling), so a researcher reads what the model says as it
// trains. Generation runs in a worker thread when the trainer's caller must stay responsive.

import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';
import { encodeChat } from '../tokenizer/chat';
import type { Tokenizer } from '../tokenizer/types';
import { generate, type Generation } from './generator';
import { promptText, type EvalSample, type SampleSpec } from './sample-spec';
import { GeneratorWorker } from './worker-generator';

/**
 * Answers `spec.prompts` with `params`. A prompt longer than the context leaves room for is cut from
 * the left after bos. `thread`: generate in a worker thread (the caller's event loop stays free).
 */
export async function evalSamples(
  model: GPTConfig,
  params: Record<string, Float32Array>,
  tok: Tokenizer,
  spec: SampleSpec,
  o: { runtime?: RuntimeConfig; thread?: boolean } = {},
): Promise<EvalSample[]> {
  if (!spec.prompts.length) return [];
  const maxNewTokens = Math.max(1, Math.min(spec.maxNewTokens, Math.floor(model.nCtx / 2)));
  const room = model.nCtx - maxNewTokens;
  const ids = spec.prompts.map((m) => {
    const x = encodeChat(tok, m, { addGenerationPrompt: true }).ids;
    return x.length <= room ? x : [x[0], ...x.slice(x.length - room + 1)];
  });
  const opts = { maxNewTokens, temperature: spec.temperature, seed: spec.seed, eos: tok.eos, pad: tok.pad };
  let out: Generation;
  if (o.thread) {
    const w = new GeneratorWorker(model, params, o.runtime);
    try {
      out = await w.generate(ids, opts);
    } finally {
      await w.dispose();
    }
  } else out = await generate({ config: model, params }, ids, { ...opts, runtime: o.runtime });
  return spec.prompts.map((m, i) => {
    const t = out.tokens[i];
    const body = out.finished[i] ? t.slice(0, -1) : t;
    return { prompt: promptText(m), output: tok.decode(body), tokens: t.length, finished: out.finished[i] };
  });
}
