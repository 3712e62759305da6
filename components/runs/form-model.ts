// The new-run form's logic, outside React: the hyperparameter fields read from the kind's field
// table (RUN_KINDS[kind].fields, the trainers' tables in ml/), the defaults for a model size, the form's text values turned
// back into a config, and every problem as one sentence on its field. The same schema checks the
// request again on the server (createRun); server errors are mapped onto the same fields.
import type { z } from "zod";
import { plainNumber } from "./format";
import { DATASET_EXPORT_KINDS, MODEL_SIZES, RUN_KINDS, type ArtifactKind, type DatasetKind, type ModelSize, type RunKind } from "@/lib/runs/kinds";

export type ConfigField = {
  name: string;
  label: string;
  description: string;
  type: "int" | "number" | "boolean" | "enum";
  unit?: string;
  /** Shown in the main list, or folded under "Advanced". */
  show: "basic" | "advanced";
  min?: number;
  max?: number;
  /** False when the bound itself is refused (a learning rate must be more than 0). */
  minInclusive?: boolean;
  maxInclusive?: boolean;
  options?: string[];
  optional: boolean;
};

/** Form values: text for number inputs and selects, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

/** Every label the run kinds' tables give a field name. */
const LABELS = new Map<string, string>(
  Object.values(RUN_KINDS).flatMap((k) => Object.entries(k.fields).map(([name, f]) => [name, f.label] as [string, string])),
);

/** A field's label from the tables ("maxLr" -> "Peak learning rate"), else "seqLen" -> "Seq len". */
function humanize(name: string): string {
  const known = LABELS.get(name);
  if (known) return known;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The hyperparameter fields of a kind the form shows, in the table's order. */
export function configFields(kind: RunKind): ConfigField[] {
  const out: ConfigField[] = [];
  for (const [name, f] of Object.entries(RUN_KINDS[kind].fields)) {
    if (f.show === "hidden") continue; // set elsewhere (modelSize: the size select) or by the worker
    const base = { name, label: f.label, description: f.doc, unit: f.unit, show: f.show, optional: f.optional === true };
    if (f.type === "bool") out.push({ ...base, type: "boolean" });
    else if (f.type === "enum") out.push({ ...base, type: "enum", options: [...f.options] });
    else
      out.push({
        ...base,
        type: f.type,
        min: f.min?.value,
        max: f.max?.value,
        minInclusive: f.min?.inclusive,
        maxInclusive: f.max?.inclusive,
      });
  }
  return out;
}

/** The kind's defaults for a model size, as form values. */
export function defaultValues(kind: RunKind, size: ModelSize): FormValues {
  const defaults = RUN_KINDS[kind].defaults(size);
  const values: FormValues = {};
  for (const f of configFields(kind)) {
    const v = defaults[f.name];
    values[f.name] = f.type === "boolean" ? v === true : typeof v === "number" ? plainNumber(v) : v === undefined || v === null ? "" : String(v);
  }
  return values;
}

/**
 * New defaults after the kind or size changed, keeping what the user typed into fields the new
 * kind also has.
 */
export function rescaleValues(kind: RunKind, size: ModelSize, current: FormValues, touched: Set<string>): FormValues {
  const next = defaultValues(kind, size);
  for (const name of touched) {
    const value = current[name];
    if (name in next && value !== undefined) next[name] = value;
  }
  return next;
}

/** A guess at a checkpoint's size from its stored config (train-lm stores `model: GPTConfig`): "tiny" for the test-sized shapes. */
export function sizeOfArtifact(config: unknown): ModelSize | undefined {
  const c = (config ?? {}) as Record<string, unknown>;
  for (const k of ["modelSize", "preset", "model"]) {
    const v = c[k];
    if (typeof v === "string" && (MODEL_SIZES as readonly string[]).includes(v)) return v as ModelSize;
  }
  const model = c.model && typeof c.model === "object" ? (c.model as Record<string, unknown>) : {};
  const width = c.nEmbd ?? c.n_embd ?? model.nEmbd ?? model.n_embd;
  if (typeof width === "number") return width <= 64 ? "tiny" : width >= 768 ? "gpt2" : "small";
  return undefined;
}

type Issue = z.core.$ZodIssue;

/** A zod issue as one sentence about the named field. */
function issueSentence(issue: Issue, label: string): string {
  const own = !/^(Too big|Too small|Invalid input|Invalid option|Invalid)\b/.test(issue.message);
  if (own) return sentence(`${label} ${issue.message}`);
  switch (issue.code) {
    case "too_big":
      return `${label} must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}.`;
    case "too_small":
      return `${label} must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}.`;
    case "invalid_type":
      if (issue.expected === "int") return `${label} must be a whole number.`;
      if (issue.expected === "number") return `${label} must be a number.`;
      if (issue.expected === "boolean") return `${label} must be on or off.`;
      return `${label} is required.`;
    case "invalid_value":
      return `${label} must be one of ${issue.values.map(String).join(", ")}.`;
    case "not_multiple_of":
      return `${label} must be a multiple of ${String(issue.divisor)}.`;
    default:
      return sentence(`${label} is not valid`);
  }
}

const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/**
 * The form values as the kind's config, checked with the kind's schema. Empty optional fields are
 * left out; an empty required field, text that is not a number, or a value out of range is one
 * sentence on that field.
 */
export function parseConfig(
  kind: RunKind,
  size: ModelSize,
  values: FormValues,
): { ok: true; config: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const fields = configFields(kind);
  const raw: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.type === "boolean") raw[f.name] = v === true;
    else if (f.type === "enum") raw[f.name] = typeof v === "string" && v !== "" ? v : undefined;
    else {
      const text = typeof v === "string" ? v.trim() : "";
      if (text === "") {
        raw[f.name] = undefined;
        if (!f.optional) errors[f.name] = `${f.label} is required.`;
      } else if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) errors[f.name] = `${f.label} must be a number.`;
      else raw[f.name] = Number(text);
    }
  }
  if ("modelSize" in RUN_KINDS[kind].config.shape) raw.modelSize = size;
  const parsed = RUN_KINDS[kind].config.safeParse(raw);
  if (!parsed.success) {
    const labels = new Map(fields.map((f) => [f.name, f.label]));
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "");
      if (!errors[name]) errors[name] = issueSentence(issue, labels.get(name) ?? humanize(name || "The config"));
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const config = Object.fromEntries(Object.entries(parsed.data as Record<string, unknown>).filter(([, v]) => v !== undefined));
  return { ok: true, config };
}

/** Export kinds a run's dataset may be (the table lives with RUN_KINDS). */
export const EXPORT_KINDS_FOR: Record<DatasetKind, readonly string[]> = DATASET_EXPORT_KINDS;

/** Checkpoints a kind may start from, among those given. */
export function allowedBases<A extends { kind: string }>(kind: RunKind, artifacts: A[]): A[] {
  const kinds = RUN_KINDS[kind].baseKinds as readonly string[] | null;
  return kinds ? artifacts.filter((a) => kinds.includes(a.kind)) : [];
}

export const ARTIFACT_LABEL: Record<ArtifactKind, string> = {
  base: "base",
  sft: "SFT",
  reward_model: "reward model",
  ppo: "PPO",
  dpo: "DPO",
};

/**
 * The server's refusal mapped onto the form. createRun answers one sentence; it lands on the field
 * it is about ("The hyperparameter maxLr must be …" on maxLr, a checkpoint on the checkpoint
 * select, …). zod issues with paths ("config.maxLr", "baseId") land on their fields. Anything else
 * is the form's own message.
 */
export function serverErrors(
  body: { error?: { message?: string; issues?: { path: string; message: string }[] } } | null,
  configNames: string[],
): { fields: FieldErrors; form?: string } {
  const fields: FieldErrors = {};
  for (const i of body?.error?.issues ?? []) {
    const parts = i.path.split(".").filter(Boolean);
    const key = parts[0] === "config" ? parts[1] : parts[0];
    if (!key || fields[key]) continue;
    if (configNames.includes(key)) fields[key] = sentence(`${humanize(key)} ${lowerFirst(i.message)}`);
    else if (TOP_LABEL[key]) fields[key] = sentence(`${TOP_LABEL[key]} ${lowerFirst(i.message)}`);
  }
  const message = body?.error?.message ?? "The run could not be queued.";
  if (Object.keys(fields).length === 0) {
    const key = fieldOfMessage(message, configNames);
    if (key) fields[key] = message;
  }
  return { fields, form: Object.keys(fields).length ? undefined : message };
}

const lowerFirst = (s: string) => s.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());

/** Which field a one-sentence refusal from createRun is about, if it says. */
function fieldOfMessage(message: string, configNames: string[]): string | undefined {
  const hyper = /hyperparameter "?([A-Za-z]\w*)/.exec(message)?.[1];
  if (hyper !== undefined && configNames.includes(hyper)) return hyper;
  if (/reference/i.test(message)) return "refId";
  if (/reward model/i.test(message) && !/checkpoint a |starts from/i.test(message)) return "rewardId";
  if (/checkpoint/i.test(message)) return "baseId";
  if (/dataset|export|nothing to train on|labels/i.test(message)) return "dataset";
  if (/project/i.test(message)) return "projectId";
  return undefined;
}

const TOP_LABEL: Record<string, string> = {
  name: "The name",
  projectId: "The project",
  baseId: "The starting checkpoint",
  rewardId: "The reward model",
  refId: "The reference checkpoint",
  dataset: "The dataset",
  modelSize: "The model size",
  kind: "The kind",
};

/** What a kind still lacks to run with these checkpoints (a starting checkpoint, a reward model), or null when it can run. */
export function missingFor(kind: RunKind, artifacts: { kind: string }[]): string | null {
  const info = RUN_KINDS[kind];
  const article = (label: string) => (/^(SFT|[aeiou])/i.test(label) ? `an ${label}` : `a ${label}`);
  if (info.baseKinds && allowedBases(kind, artifacts).length === 0)
    return `needs ${info.baseKinds.map((k) => article(ARTIFACT_LABEL[k])).join(" or ")} checkpoint`;
  if (info.needsRewardModel && !artifacts.some((a) => a.kind === "reward_model")) return "needs a reward model";
  return null;
}

/**
 * The kind the form opens on: the one asked for (or supervised fine-tuning, the usual next step)
 * when it can run with the checkpoints there are, else the first kind in the table that can
 * (pretraining on an empty registry).
 */
export function openingKind(artifacts: { kind: string }[], asked?: RunKind): RunKind {
  const wanted = asked ?? "sft";
  if (missingFor(wanted, artifacts) === null) return wanted;
  return (Object.keys(RUN_KINDS) as RunKind[]).find((k) => missingFor(k, artifacts) === null) ?? wanted;
}

/** The checkpoint to preselect: the latest of those the kind may start from ("" when there is none). */
export function latestOf<A extends { kind: string; createdAt: string }>(artifacts: A[], kinds: readonly string[] | null): A | undefined {
  if (!kinds) return undefined;
  return artifacts.filter((a) => kinds.includes(a.kind)).reduce<A | undefined>((best, a) => (!best || a.createdAt > best.createdAt ? a : best), undefined);
}
