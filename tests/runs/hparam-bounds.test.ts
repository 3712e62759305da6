// The form's hyperparameter bounds (the zod schemas of lib/runs/kinds.ts) and the trainers'
// validation (ml/) must agree, field by field: a run the form queues must not be refused by the
// trainer on the worker (PPO's valueClip 0 was), and a value the trainer takes must not be refused
// by the form for no reason. Every bound is probed on both sides: the bound itself, and a value
// just outside it.
import { describe, expect, it } from "vitest";
import { resolvePPOConfig } from "../../ml/rlhf/ppo-config";
import { resolveRewardConfig } from "../../ml/rlhf/reward-config";
import { resolveDPOConfig } from "../../ml/rlhf/dpo-config";
import { resolveTrainConfig } from "../../ml/train/config";
import { DPO_FIELDS, PPO_FIELDS, REWARD_FIELDS, TRAIN_FIELDS, type FieldTable } from "../../ml/browser";
import { configFields } from "../../components/runs/form-model";
import { MODEL_SIZES, RUN_KINDS, type RunKind } from "../../lib/runs/kinds";

type Trainer = { resolve: (c: Record<string, unknown>) => unknown; wiring: Record<string, unknown> };

const TRAINERS: Partial<Record<RunKind, Trainer>> = {
  pretrain: { resolve: (c) => resolveTrainConfig(c), wiring: { mode: "pretrain", data: ["d.txt"], out: "o" } },
  sft: { resolve: (c) => resolveTrainConfig(c), wiring: { mode: "sft", data: ["d.jsonl"], out: "o" } },
  reward_model: { resolve: (c) => resolveRewardConfig(c), wiring: { init: "m", data: ["d.jsonl"], out: "o" } },
  ppo: { resolve: (c) => resolvePPOConfig(c), wiring: { policy: "m", prompts: ["p.jsonl"], out: "o" } },
  dpo: { resolve: (c) => resolveDPOConfig(c), wiring: { init: "m", data: ["d.jsonl"], out: "o" } },
};

/** Fields the trainer checks against another field: probe them with a partner that fits. */
const PARTNERS: Record<string, (v: number) => Record<string, unknown>> = {
  miniBatch: (v) => ({ rolloutBatch: v }),
  rolloutBatch: () => ({ miniBatch: 1 }),
  minLr: (v) => ({ maxLr: Math.max(v, 1e-3) }),
  maxLr: () => ({ minLr: 0 }),
  ptxCoef: () => ({ ptxData: ["p.txt"] }),
};

const accepts = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/** True when the trainer has no field `name` (an app-only field such as modelSize). */
const unknownTo = (trainer: Trainer, name: string) => {
  try {
    trainer.resolve({ ...trainer.wiring, [name]: null });
    return false;
  } catch (e) {
    return /unknown field/.test((e as Error).message);
  }
};

/** A value just outside `bound` on the given side. */
const outside = (bound: number, side: "min" | "max", int: boolean) => {
  const step = int ? 1 : Math.abs(bound) * 1e-6 || 1e-9;
  return side === "min" ? bound - step : bound + step;
};

describe("hyperparameter bounds: the form and the trainer agree", () => {
  for (const [kind, trainer] of Object.entries(TRAINERS) as [RunKind, Trainer][]) {
    it(`${kind}: every bound, and the default, is taken or refused alike by the form's schema and the trainer`, () => {
      const info = RUN_KINDS[kind];
      const defaults = info.defaults("tiny");
      const probeTrainer = (name: string, v: unknown) => {
        const base = Object.fromEntries(Object.entries(defaults).filter(([k]) => accepts(() => trainer.resolve({ ...trainer.wiring, [k]: defaults[k] }))));
        const partner = typeof v === "number" && PARTNERS[name] ? PARTNERS[name](v) : {};
        return accepts(() => trainer.resolve({ ...base, ...trainer.wiring, ...partner, [name]: v }));
      };
      const probeForm = (name: string, v: unknown) => info.config.safeParse({ ...defaults, [name]: v }).success;
      const disagreements: string[] = [];
      const known = Object.keys(info.config.shape).filter((k) => !unknownTo(trainer, k));
      for (const f of configFields(kind)) {
        if (!known.includes(f.name)) continue; // app-only (modelSize, contextLength)
        const probes: unknown[] = [defaults[f.name]];
        if (f.type === "int" || f.type === "number") {
          for (const side of ["min", "max"] as const) {
            const b = f[side];
            if (b === undefined) continue;
            probes.push(b, outside(b, side, f.type === "int"));
          }
        }
        for (const v of probes) {
          if (v === undefined) continue;
          const form = probeForm(f.name, v);
          const train = probeTrainer(f.name, v);
          if (form !== train) disagreements.push(`${f.name} = ${String(v)}: form ${form ? "takes" : "refuses"} it, trainer ${train ? "takes" : "refuses"} it`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});

const TABLES: [RunKind, FieldTable][] = [
  ["pretrain", TRAIN_FIELDS],
  ["sft", TRAIN_FIELDS],
  ["reward_model", REWARD_FIELDS],
  ["ppo", PPO_FIELDS],
  ["dpo", DPO_FIELDS],
];

describe("hyperparameter tables: every field, on both sides", () => {
  for (const [kind, table] of TABLES) {
    it(`${kind}: the default is taken and a value just outside each bound refused, by the trainer and (for the fields it shows) the form`, () => {
      const trainer = TRAINERS[kind]!;
      const info = RUN_KINDS[kind];
      const shape = info.config.shape as Record<string, unknown>;
      const problems: string[] = [];
      let walked = 0;
      const probe = (name: string, v: unknown, want: boolean) => {
        const partner = typeof v === "number" && PARTNERS[name] ? PARTNERS[name](v) : {};
        const train = accepts(() => trainer.resolve({ ...trainer.wiring, ...partner, [name]: v }));
        if (train !== want) problems.push(`${name} = ${String(v)}: the trainer ${train ? "takes" : "refuses"} it`);
        if (name in shape) {
          for (const size of MODEL_SIZES) {
            const form = info.config.safeParse({ ...info.defaults(size), ...partner, [name]: v }).success;
            if (form !== want) problems.push(`${name} = ${String(v)}: the form (${size}) ${form ? "takes" : "refuses"} it`);
          }
        }
      };
      for (const [name, f] of Object.entries(table)) {
        walked++;
        if (f.type === "bool") {
          probe(name, !f.default, true);
          probe(name, "yes", false);
          continue;
        }
        if (f.type === "enum") {
          for (const o of f.options) probe(name, o, true);
          probe(name, "none of these", false);
          continue;
        }
        if (f.default !== undefined) probe(name, f.default, true);
        if (f.optional) probe(name, undefined, true);
        probe(name, "1", false);
        if (f.type === "int") probe(name, (f.min?.value ?? 0) + 1.5, false);
        for (const side of ["min", "max"] as const) {
          const b = f[side];
          if (!b) continue;
          if (b.inclusive) probe(name, b.value, true);
          probe(name, b.inclusive ? outside(b.value, side, f.type === "int") : b.value, false);
        }
      }
      expect(walked).toBe(Object.keys(table).length);
      expect(problems).toEqual([]);
    });
  }

  it("every shown field of a trainer's table is in the form, and every form field of a training kind is in the table or the app's own", () => {
    for (const [kind, table] of TABLES) {
      const form = Object.keys(RUN_KINDS[kind].config.shape);
      const shown = Object.entries(table)
        .filter(([, f]) => f.show !== "hidden")
        .map(([k]) => k);
      const appOnly = form.filter((k) => !(k in table));
      // pretraining reads whole windows: nothing is cut, so the truncation policy is not shown
      const notShown = kind === "pretrain" ? ["overlong", "maxOverlongShare"] : [];
      expect(
        shown.filter((k) => !form.includes(k)),
        kind,
      ).toEqual(notShown);
      expect(appOnly, kind).toEqual(kind === "pretrain" ? ["modelSize", "contextLength", "device"] : ["device"]);
    }
  });
});
