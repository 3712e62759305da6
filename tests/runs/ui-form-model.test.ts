import { describe, expect, it } from "vitest";
import {
  allowedBases,
  configFields,
  defaultValues,
  latestOf,
  missingFor,
  openingKind,
  parseConfig,
  rescaleValues,
  serverErrors,
  sizeOfArtifact,
} from "../../components/runs/form-model";
import { RUN_KINDS, RUN_KIND_NAMES } from "../../lib/runs/kinds";

/** Fields whose trainer sets no upper bound (so neither does the form). */
const OPEN_ABOVE = ["ppo.temperature", "ppo.klTarget", "reward_model.centerCoef"];

describe("the new-run form's fields come from RUN_KINDS", () => {
  it("has a described field with a range for every number of every kind, and the defaults pass their own schema", () => {
    for (const kind of RUN_KIND_NAMES) {
      const fields = configFields(kind);
      expect(fields.length).toBeGreaterThan(0);
      for (const f of fields) {
        expect(f.description, `${kind}.${f.name}`).not.toBe("");
        if (f.type === "int" || f.type === "number") {
          expect(f.min, `${kind}.${f.name} min`).toBeTypeOf("number");
          if (f.max === undefined) expect(OPEN_ABOVE, `${kind}.${f.name} max`).toContain(`${kind}.${f.name}`);
        }
      }
      for (const size of ["tiny", "small"] as const) {
        const r = parseConfig(kind, size, defaultValues(kind, size));
        expect(r, `${kind}/${size}`).toEqual({ ok: true, config: expect.any(Object) });
      }
    }
  });

  it("reads types, options and optional fields from the zod schema", () => {
    const ppo = Object.fromEntries(configFields("ppo").map((f) => [f.name, f]));
    expect(ppo.ppoEpochs).toMatchObject({ type: "int", min: 1, max: 32, label: "PPO epochs" });
    expect(ppo.beta).toMatchObject({ type: "number", min: 0, max: 1, optional: false });
    expect(ppo.klTarget.optional).toBe(true);
    expect(ppo.valueInit).toMatchObject({ type: "enum", options: ["reward", "policy"] });
    const rm = Object.fromEntries(configFields("reward_model").map((f) => [f.name, f]));
    expect(rm.margin.type).toBe("boolean");
    // pretraining's modelSize is set by the size select, not shown as a hyperparameter
    expect(configFields("pretrain").some((f) => f.name === "modelSize")).toBe(false);
  });

  it("scales defaults with the model size and keeps what the user typed", () => {
    const tiny = defaultValues("sft", "tiny");
    const small = defaultValues("sft", "small");
    expect(tiny.steps).toBe(String(RUN_KINDS.sft.defaults("tiny").steps));
    expect(small.steps).not.toBe(tiny.steps);
    const edited = { ...tiny, maxLr: "0.0005" };
    const next = rescaleValues("sft", "small", edited, new Set(["maxLr"]));
    expect(next.maxLr).toBe("0.0005");
    expect(next.steps).toBe(small.steps);
    // switching kind keeps a shared edited field and drops the rest
    const rm = rescaleValues("reward_model", "tiny", edited, new Set(["maxLr", "steps"]));
    expect(rm.maxLr).toBe("0.0005");
    expect("steps" in rm).toBe(false);
  });
});

describe("parseConfig", () => {
  it("turns text into numbers and sets the pretraining model size", () => {
    const r = parseConfig("pretrain", "tiny", { ...defaultValues("pretrain", "tiny"), steps: " 12 ", maxLr: "1e-3" });
    expect(r.ok && r.config).toMatchObject({ steps: 12, maxLr: 0.001, modelSize: "tiny" });
  });

  it("says one sentence per bad field", () => {
    const values = { ...defaultValues("ppo", "tiny"), beta: "2", ppoEpochs: "1.5", lr: "fast", iterations: "", clipEps: "0" };
    const r = parseConfig("ppo", "tiny", values);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      beta: "KL coefficient β must be at most 1.",
      ppoEpochs: "PPO epochs must be a whole number.",
      lr: "Learning rate must be a number.",
      iterations: "Iterations is required.",
      clipEps: "Clip ε must be more than 0.",
    });
  });

  it("leaves an empty optional field out", () => {
    const r = parseConfig("ppo", "tiny", { ...defaultValues("ppo", "tiny"), klTarget: "" });
    expect(r.ok && "klTarget" in r.config).toBe(false);
    const r2 = parseConfig("ppo", "tiny", { ...defaultValues("ppo", "tiny"), klTarget: "6" });
    expect(r2.ok && r2.config.klTarget).toBe(6);
  });
});

describe("checkpoints, sizes and server errors", () => {
  it("offers only the checkpoints the kind accepts", () => {
    const arts = [
      { id: "1", kind: "base" },
      { id: "2", kind: "sft" },
      { id: "3", kind: "reward_model" },
      { id: "4", kind: "ppo" },
    ];
    expect(allowedBases("reward_model", arts).map((a) => a.id)).toEqual(["1", "2"]);
    expect(allowedBases("ppo", arts).map((a) => a.id)).toEqual(["2", "4"]);
    expect(allowedBases("pretrain", arts)).toEqual([]);
  });

  it("guesses a checkpoint's size from its config", () => {
    expect(sizeOfArtifact({ modelSize: "tiny" })).toBe("tiny");
    expect(sizeOfArtifact({ nEmbd: 32 })).toBe("tiny");
    expect(sizeOfArtifact({ n_embd: 256 })).toBe("small");
    expect(sizeOfArtifact({ model: { nEmbd: 32, nLayer: 2 }, train: {} })).toBe("tiny");
    expect(sizeOfArtifact({})).toBeUndefined();
  });

  it("puts the server's field issues on their fields and anything else on the form", () => {
    const body = {
      error: {
        message: "config.steps: too big",
        issues: [
          { path: "config.steps", message: "Must be at most 10" },
          { path: "baseId", message: "must be a model id" },
        ],
      },
    };
    expect(serverErrors(body, ["steps"])).toEqual({
      fields: { steps: "Steps must be at most 10.", baseId: "The starting checkpoint must be a model id." },
      form: undefined,
    });
  });

  it("puts createRun's one-sentence refusals on the field they are about", () => {
    const names = configFields("sft").map((f) => f.name);
    const on = (message: string) => serverErrors({ error: { message } }, names);
    expect(on("The hyperparameter maxLr must be at most 0.1, not 5.").fields).toEqual({ maxLr: "The hyperparameter maxLr must be at most 0.1, not 5." });
    expect(on("The hyperparameter minLr (0.1) must not exceed maxLr (0.01).").fields).toHaveProperty("minLr");
    expect(on('The checkpoint "rm-1" is a reward model; a supervised fine-tuning run starts from a base model or an SFT model.').fields).toHaveProperty(
      "baseId",
    );
    expect(on("Choose the reward model a PPO run optimises against.").fields).toHaveProperty("rewardId");
    expect(on('The checkpoint "sft-1" is an SFT model, not a reward model.').fields).toHaveProperty("rewardId");
    expect(on('The reference checkpoint "rm-1" is a reward model; a reference is an SFT model or a DPO policy.').fields).toEqual({
      refId: 'The reference checkpoint "rm-1" is a reward model; a reference is an SFT model or a DPO policy.',
    });
    expect(on('The reference checkpoint "b" and the starting checkpoint "a": nLayer differs (2 vs 3), so they are not the same model.').fields).toHaveProperty(
      "refId",
    );
    expect(on("The export has no rows: label some data or choose another export.").fields).toHaveProperty("dataset");
    expect(on("The project has no demonstrations (SFT) yet, so there is nothing to train on.").fields).toHaveProperty("dataset");
    expect(on("Something went wrong on our side.")).toEqual({ fields: {}, form: "Something went wrong on our side." });
  });
});

describe("the new-run form opens on what can run", () => {
  const at = (kind: string, day: number) => ({ kind, createdAt: `2026-12-0${day}T00:00:00.000Z`, id: `${kind}-${day}` });

  it("opens on pretraining when the registry is empty, and says what each other kind needs", () => {
    expect(openingKind([])).toBe("pretrain");
    expect(openingKind([], "ppo")).toBe("pretrain");
    expect(missingFor("sft", [])).toBe("needs a base or an SFT checkpoint");
    expect(missingFor("ppo", [at("sft", 1)])).toBe("needs a reward model");
    expect(missingFor("pretrain", [])).toBeNull();
  });

  it("opens on fine-tuning (or the kind asked for) once a checkpoint it can start from exists", () => {
    expect(openingKind([at("base", 1)])).toBe("sft");
    expect(openingKind([at("base", 1)], "reward_model")).toBe("reward_model");
    expect(openingKind([at("base", 1)], "ppo")).toBe("pretrain"); // no SFT or PPO policy, no reward model
    expect(openingKind([at("sft", 1), at("reward_model", 2)], "ppo")).toBe("ppo");
  });

  it("preselects the only valid checkpoint, else the latest suitable one", () => {
    expect(latestOf([at("reward_model", 3), at("base", 1)], ["base", "sft"])?.id).toBe("base-1");
    expect(latestOf([at("base", 1), at("sft", 4), at("sft", 2), at("ppo", 5)], ["base", "sft"])?.id).toBe("sft-4");
    expect(latestOf([at("base", 1)], null)).toBeUndefined();
    expect(latestOf([at("ppo", 1)], ["base", "sft"])).toBeUndefined();
  });
});
