import { describe, expect, it } from "vitest";
import { configRows } from "../../components/runs/config-rows";
import { configFields } from "../../components/runs/form-model";
import { PPO_FIELDS } from "../../ml/browser";
import { RUN_KINDS } from "../../lib/runs/kinds";

describe("the run page's config view", () => {
  it("labels each field from the kind's table (label, unit, doc), in the table's order, then the rest by name", () => {
    const rows = configRows("ppo", { rewardId: "r1", valueClip: 0.2, iterations: 10, lr: 1e-5, klTarget: 6, rolloutBatch: 1000000 });
    expect(rows.map((r) => r.name)).toEqual(["iterations", "rolloutBatch", "lr", "klTarget", "valueClip", "rewardId"]);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by.klTarget).toEqual({ name: "klTarget", label: PPO_FIELDS.klTarget.label, unit: "nats", doc: PPO_FIELDS.klTarget.doc, value: "6" });
    expect(by.lr.value).toBe("1e-5");
    expect(by.rolloutBatch.value).toBe("1000000");
    expect(by.rewardId).toEqual({ name: "rewardId", label: "rewardId", value: "r1" });
  });

  it("keeps an unknown kind's config readable", () => {
    expect(configRows("nope", { a: 1, b: "x" })).toEqual([
      { name: "a", label: "a", value: "1" },
      { name: "b", label: "b", value: "x" },
    ]);
  });
});

describe("the new-run form's basic and advanced fields", () => {
  it("shows each kind's basic fields unfolded and folds the advanced ones; hidden fields are not in the form", () => {
    const ppo = configFields("ppo");
    expect(ppo.filter((f) => f.show === "basic").map((f) => f.name)).toEqual([
      "advantage",
      "groupSize",
      "iterations",
      "rolloutBatch",
      "miniBatch",
      "ppoEpochs",
      "maxNewTokens",
      "lr",
      "beta",
    ]);
    expect(ppo.find((f) => f.name === "valueClip")).toMatchObject({ show: "advanced", min: 0, minInclusive: false, max: 10, maxInclusive: true });
    expect(ppo.some((f) => f.name === "whitenAdvantages")).toBe(false);
    // what the README's walkthrough types is never folded away
    const typed: Record<string, string[]> = {
      pretrain: ["steps", "evalEvery", "saveEvery"],
      sft: ["steps", "evalEvery", "saveEvery"],
      reward_model: ["epochs", "batchSize", "maxLr"],
      ppo: ["iterations", "rolloutBatch", "miniBatch", "ppoEpochs", "maxNewTokens"],
      generate: ["maxPrompts", "maxNewTokens"],
    };
    for (const [kind, names] of Object.entries(typed)) {
      const fields = configFields(kind as keyof typeof RUN_KINDS);
      for (const n of names) expect(fields.find((f) => f.name === n)?.show, `${kind}.${n}`).toBe("basic");
    }
  });
});
