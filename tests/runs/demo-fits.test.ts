// The run defaults fit the demo project's data: at Model size Tiny (the README's loop) no
// demonstration, ranked answer or PPO prompt loses a token to truncation.
import { describe, expect, it } from "vitest";
import { DEMO_ANSWER_SETS, DEMO_DEMONSTRATION_PROMPTS } from "../../lib/demo/data";
import { RUN_KINDS, type ModelSize } from "../../lib/runs/kinds";
import { ByteTokenizer, emptyStats, fitChat, tally } from "../../ml/index";

const tok = new ByteTokenizer();
const user = (content: string) => [{ role: "user" as const, content }];
const prompts = [...DEMO_DEMONSTRATION_PROMPTS, ...DEMO_ANSWER_SETS.map((s) => s.prompt)];

describe.each(["tiny", "small"] as ModelSize[])("the %s defaults and the demo project's data", (size) => {
  const nCtx = RUN_KINDS.pretrain.defaults(size).contextLength as number; // the base every later run starts from
  const budget = (seqLen: number, offset: number) => (seqLen || nCtx) + offset;

  it("every ranked answer fits whole beside its prompt in the reward model", () => {
    const rm = RUN_KINDS.reward_model.defaults(size);
    const stats = emptyStats("responses");
    for (const set of DEMO_ANSWER_SETS)
      tally(stats, fitChat(tok, user(set.prompt), set.responses, { maxTokens: budget(rm.seqLen as number, 0), overlong: "skip" }), true);
    expect(stats).toMatchObject({ examples: 24, promptShortened: 0, responseTruncated: 0, skipped: 0, responseTokensDropped: 0 });
    expect(stats.longest).toBe(251); // the careful Python answer: what contextLength 256 is sized for
  });

  it("every answer as a demonstration fits whole in SFT", () => {
    const sft = RUN_KINDS.sft.defaults(size);
    const stats = emptyStats("examples");
    for (const set of DEMO_ANSWER_SETS)
      for (const r of set.responses)
        tally(stats, fitChat(tok, user(set.prompt), [r], { maxTokens: budget(sft.seqLen as number, 1), overlong: sft.overlong as "truncate" }));
    expect(stats).toMatchObject({ promptShortened: 0, responseTruncated: 0, skipped: 0 });
  });

  it("every prompt leaves room for PPO's and the answer generator's new tokens", () => {
    const stats = emptyStats("prompts");
    for (const maxNewTokens of [RUN_KINDS.ppo.defaults(size).maxNewTokens, RUN_KINDS.generate.defaults(size).maxNewTokens] as number[])
      for (const p of prompts) tally(stats, fitChat(tok, user(p), [], { maxTokens: nCtx, reserve: maxNewTokens, overlong: "skip" }));
    expect(stats).toMatchObject({ examples: 2 * prompts.length, promptShortened: 0, skipped: 0 });
  });
});
