// A run's hyperparameters: the kind's defaults for the model size, overridden by the request, then
// checked against the kind's schema and a few cross-field rules. Each refusal is one sentence
// naming the field, e.g. "The hyperparameter maxLr must be at most 0.1, not 5.".
import { z } from "zod";
import { AppError } from "../errors";
import { RUN_KINDS, type ModelSize, type RunKind } from "./kinds";

const refuse = (msg: string) => new AppError("bad_request", msg);

function sentence(issue: z.core.$ZodIssue, given: Record<string, unknown>): string {
  const field = issue.path.map(String).join(".") || "config";
  const value = JSON.stringify(given[String(issue.path[0])]);
  switch (issue.code) {
    case "too_big":
      return `The hyperparameter ${field} must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}, not ${value}.`;
    case "too_small":
      return `The hyperparameter ${field} must be ${issue.inclusive === false ? "more than" : "at least"} ${issue.minimum}, not ${value}.`;
    case "invalid_type":
      return issue.expected === "int"
        ? `The hyperparameter ${field} must be a whole number, not ${value}.`
        : `The hyperparameter ${field} must be a ${issue.expected}, not ${value}.`;
    case "invalid_value":
      return `The hyperparameter ${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, not ${value}.`;
    default:
      return `The hyperparameter ${field} is invalid: ${issue.message}.`;
  }
}

/** The full, checked config of a new run of `kind`. */
export function checkRunConfig(kind: RunKind, overrides: Record<string, unknown>, size: ModelSize): Record<string, unknown> {
  const info = RUN_KINDS[kind];
  const known = Object.keys(info.config.shape);
  const unknown = Object.keys(overrides).filter((k) => !known.includes(k));
  if (unknown.length) throw refuse(`A ${info.label.toLowerCase()} run has no hyperparameter "${unknown[0]}" (it has ${known.join(", ")}).`);
  const given = { ...info.defaults(size), ...overrides };
  const parsed = info.config.safeParse(given);
  if (!parsed.success) throw refuse(sentence(parsed.error.issues[0]!, given)); // a failed parse has at least one issue
  const c = parsed.data as Record<string, unknown>;
  if (typeof c.minLr === "number" && typeof c.maxLr === "number" && c.minLr > c.maxLr)
    throw refuse(`The hyperparameter minLr (${c.minLr}) must not exceed maxLr (${c.maxLr}).`);
  if (typeof c.contextLength === "number" && typeof c.seqLen === "number" && c.seqLen > c.contextLength)
    throw refuse(`The hyperparameter seqLen (${c.seqLen}) must not exceed contextLength (${c.contextLength}).`);
  if (typeof c.miniBatch === "number" && typeof c.rolloutBatch === "number" && c.miniBatch > c.rolloutBatch)
    throw refuse(`The hyperparameter miniBatch (${c.miniBatch}) must not exceed rolloutBatch (${c.rolloutBatch}).`);
  if (typeof c.miniBatch === "number" && typeof c.rolloutBatch === "number" && c.rolloutBatch % c.miniBatch !== 0)
    throw refuse(`The hyperparameter miniBatch (${c.miniBatch}) must divide rolloutBatch (${c.rolloutBatch}).`);
  return c;
}
