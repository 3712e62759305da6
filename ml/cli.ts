// Command line: npm run ml -- pretrain|sft|generate|score|rm|reward|ppo|dpo|best-of-n|check-model --config FILE [--key value ...]
//
//   pretrain, sft   train (keys of TrainConfig: data, out, steps, batchSize, ...); progress bar on stderr
//   generate        --model DIR --prompt TEXT [--chat true] [--maxNewTokens 64 --temperature 1 --topK 0 --topP 1 --seed 0]
//   score           --model DIR (--text TEXT | --file FILE): per-token log-probabilities as JSON
//   rm              train a reward model (keys of RewardConfig: init, data, format, out, epochs, ...); result as JSON
//   reward          --model DIR --input FILE.jsonl: one JSON line per input line ({reward}, or {chosen_reward,
//                   rejected_reward, correct} for pairs); the accuracy on pairs as a summary line on stderr
//   ppo             RLHF with PPO (keys of PPOConfig: policy, reward, prompts, out, iterations, ...); result as JSON
//   best-of-n       --policy DIR --reward DIR --prompts FILE --out FILE.jsonl [--n 16 --maxNewTokens 64 --temperature 1 --seed 0]:
//                   the best of N sampled answers per prompt by the reward model, as SFT JSONL; summary as JSON
//   dpo             DPO from an SFT model (keys of DPOConfig: init, data, format, lossType, beta, out, ...); result as JSON
//   check-model     --dir DIR: validate a Hugging Face GPT-2 folder without loading its weights (shape, size, tokenizer as
//                   JSON; exit 1 with one sentence when it does not fit). `npm run import-model` registers one in the app.
//   every command: --device cpu | cuda | cuda:N (the trainers also take it in their config file), --threads N

import { readFileSync } from 'node:fs';
import { loadCheckpoint } from './checkpoint/checkpoint';
import { validateModelFolder } from './checkpoint/validate';
import { parseArgs } from './cli/args';
import { progressPrinter } from './cli/progress';
import { generate } from './generate/generator';
import { scoreTokens } from './generate/score';
import { encodeChat } from './tokenizer/chat';
import { checkpointTokenizer } from './tokenizer/index';
import { rlProgressPrinter } from './rlhf/progress';
import { runtimeFor } from './runtime/config';
import { scoreRewardFile } from './rlhf/reward-cli';
import { resolveRewardConfig } from './rlhf/reward-config';
import { RewardScorer } from './rlhf/reward-scorer';
import { trainRewardModel } from './rlhf/reward-trainer';
import { resolvePPOConfig } from './rlhf/ppo-config';
import { trainPPO } from './rlhf/ppo-trainer';
import { resolveDPOConfig } from './rlhf/dpo-config';
import { trainDPO } from './rlhf/dpo-trainer';
import { bestOfNDistill } from './rlhf/best-of-n';
import { resolveTrainConfig } from './train/config';
import { readConfigFile } from './train/config-file';
import { trainLM } from './train/trainer';

const USAGE = 'usage: npm run ml -- pretrain|sft|generate|score|rm|reward|ppo|dpo|check-model --config FILE [--device cpu|cuda|cuda:N] [--key value ...]';

function need(o: Record<string, unknown>, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !v) throw new Error(`${what} needs --${key}`);
  return v;
}

function loadModel(dir: string) {
  const ck = loadCheckpoint(dir);
  const tok = checkpointTokenizer(dir, ck.tokenizer);
  return { ck, tok };
}

async function main(): Promise<void> {
  const { command, config, options } = parseArgs(process.argv.slice(2));
  const o = { ...(config ? readConfigFile(config) : {}), ...options };
  // generate, score and reward: --device cpu | cuda | cuda:N and --threads (the trainers read them from their config)
  const rt = () => runtimeFor(String(o.device ?? 'cpu'), Number(o.threads ?? 2));
  switch (command) {
    case 'pretrain':
    case 'sft': {
      const tc = resolveTrainConfig({ ...o, mode: command });
      const r = await trainLM(tc, { onProgress: progressPrinter() });
      console.log(JSON.stringify({ out: r.out, step: r.step, loss: r.loss, valLoss: r.valLoss ?? null, stoppedEarly: r.stoppedEarly }));
      return;
    }
    case 'generate': {
      const { ck, tok } = loadModel(need(o, 'model', 'generate'));
      const prompt = need(o, 'prompt', 'generate');
      const ids = o.chat === false ? [tok.bos, ...tok.encode(prompt)] : encodeChat(tok, [{ role: 'user', content: prompt }], { addGenerationPrompt: true }).ids;
      const r = await generate(ck, [ids], {
        maxNewTokens: Number(o.maxNewTokens ?? 64),
        temperature: Number(o.temperature ?? 1),
        topK: Number(o.topK ?? 0),
        topP: Number(o.topP ?? 1),
        seed: Number(o.seed ?? 0),
        eos: tok.eos,
        pad: tok.pad,
        runtime: rt(),
      });
      const text = tok.decode(r.tokens[0]);
      if (o.json) console.log(JSON.stringify({ text, tokens: r.tokens[0], logprobs: r.logprobs[0], modelLogprobs: r.modelLogprobs[0] }));
      else console.log(text);
      return;
    }
    case 'score': {
      const { ck, tok } = loadModel(need(o, 'model', 'score'));
      const text = typeof o.file === 'string' ? readFileSync(o.file, 'utf8') : need(o, 'text', 'score');
      const ids = [tok.bos, ...tok.encode(text)];
      const logprobs = await scoreTokens(ck, ids, rt());
      const total = logprobs.reduce((a, b) => a + b, 0);
      const tokens = ids.slice(1).map((id, i) => ({ id, text: tok.decode([id], { specials: true }), logprob: logprobs[i] }));
      console.log(JSON.stringify({ tokens, total_logprob: total, mean_logprob: total / logprobs.length, perplexity: Math.exp(-total / logprobs.length) }));
      return;
    }
    case 'rm': {
      const r = await trainRewardModel(resolveRewardConfig(o), { onProgress: rlProgressPrinter() });
      console.log(JSON.stringify(r));
      return;
    }
    case 'reward': {
      const scorer = await RewardScorer.load(need(o, 'model', 'reward'), rt());
      try {
        const r = await scoreRewardFile(scorer, need(o, 'input', 'reward'));
        for (const line of r.lines) console.log(JSON.stringify(line));
        console.error(JSON.stringify({ lines: r.lines.length, pairs: r.pairs, accuracy: r.pairs ? r.accuracy : null }));
      } finally {
        await scorer.dispose();
      }
      return;
    }
    case 'ppo': {
      const r = await trainPPO(resolvePPOConfig(o), { onProgress: rlProgressPrinter() });
      console.log(JSON.stringify(r));
      return;
    }
    case 'dpo': {
      const r = await trainDPO(resolveDPOConfig(o), { onProgress: rlProgressPrinter() });
      console.log(JSON.stringify(r));
      return;
    }
    case 'best-of-n': {
      const prompts = need(o, 'prompts', 'best-of-n');
      const r = await bestOfNDistill(
        {
          policy: need(o, 'policy', 'best-of-n'),
          reward: need(o, 'reward', 'best-of-n'),
          prompts: [prompts],
          out: need(o, 'out', 'best-of-n'),
          n: Number(o.n ?? 16),
          maxNewTokens: Number(o.maxNewTokens ?? 64),
          temperature: Number(o.temperature ?? 1),
          seed: Number(o.seed ?? 0),
          threads: Number(o.threads ?? 2),
        },
        { onProgress: (done, total) => process.stderr.write(`${done}/${total} prompts\n`) },
      );
      console.log(JSON.stringify(r));
      return;
    }
    case 'check-model': {
      console.log(JSON.stringify(validateModelFolder(need(o, 'dir', 'check-model'))));
      return;
    }
    default:
      throw new Error(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  }
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
