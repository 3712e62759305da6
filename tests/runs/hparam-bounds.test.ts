// The form's hyperparameter bounds (the zod schemas of lib/runs/kinds.ts) and the trainers'
// validation (ml/) must agree, field by field: a run the form queues must not be refused by the
// trainer on the worker (PPO's valueClip 0 was), and a value the trainer takes must not be refused
// by the form for no reason. Every bound is probed on both sides: the bound itself, and a value
// just outside it.
import { describe, expect, it } from "vitest";
import { resolvePPOConfig } from "../../ml/rlhf/ppo-config";
import { resolveRewardConfig } from "../../ml/rlhf/reward-config";
import { resolveTrainConfig } from "../../ml/train/config";
import { configFields } from "../../components/runs/form-model";
import { RUN_KINDS, type RunKind } from "../../lib/runs/kinds";

type Trainer = { resolve: (c: Record<string, unknown>) => unknown; wiring: Record<string, unknown> };

const TRAINERS: Partial<Record<RunKind, Trainer>> = {
  pretrain: { resolve: (c) => resolveTrainConfig(c), wiring: { mode: "pretrain", data: ["d.txt"], out: "o" } },
  sft: { resolve: (c) => resolveTrainConfig(c), wiring: { mode: "sft", data: ["d.jsonl"], out: "o" } },
  reward_model: { resolve: (c) => resolveRewardConfig(c), wiring: { init: "m", data: ["d.jsonl"], out: "o" } },
  ppo: { resolve: (c) => resolvePPOConfig(c), wiring: { policy: "m", prompts: ["p.jsonl"], out: "o" } },
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
