// A generate run's request and stored config: the request's sampling overrides the run's
// hyperparameters, the source defaults to the promoted policy, and bad requests name the field.
import { describe, expect, it } from "vitest";
import { generateRequestSchema, resolveGenerateJob } from "../../lib/generation/request";
import { RUN_KINDS } from "../../lib/runs/kinds";

describe("generate request", () => {
  it("resolves the job from the kind's defaults and the stored request", () => {
    const defaults = RUN_KINDS.generate.defaults("tiny");
    expect(resolveGenerateJob(defaults)).toEqual({
      source: { kind: "promoted" },
      k: undefined,
      maxPrompts: defaults.maxPrompts,
      sampling: { temperature: defaults.temperature, topP: defaults.topP, topK: 0, maxNewTokens: defaults.maxNewTokens, seed: defaults.seed },
    });
    const request = generateRequestSchema.parse({
      source: { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "llama", apiKey: "sk-1" },
      k: 3,
      sampling: { temperature: 0.2, topK: 40 },
      maxPrompts: 7,
    });
    const { apiKey, ...stored } = request.source as { apiKey: string };
    expect(apiKey).toBe("sk-1");
    const job = resolveGenerateJob({ ...defaults, request: { ...request, source: stored } });
    expect(job).toMatchObject({ k: 3, maxPrompts: 7, sampling: { temperature: 0.2, topK: 40, topP: defaults.topP } });
    expect(job.source).toEqual({ kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "llama", requestsPerMinute: 60, concurrency: 4, stream: false });
    // a run stored before `stream` existed reads as not streamed; one that asked for it keeps it
    const { stream: _s, ...older } = stored as { stream?: boolean };
    expect(resolveGenerateJob({ ...defaults, request: { ...request, source: older } }).source).toMatchObject({ stream: false });
    const streamed = generateRequestSchema.parse({ source: { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "llama", stream: true } });
    expect(resolveGenerateJob({ ...defaults, request: streamed }).source).toMatchObject({ stream: true });
  });

  it("names the bad field", () => {
    const issue = (v: unknown) => generateRequestSchema.safeParse(v).error?.issues[0];
    expect(issue({ k: 12 })).toMatchObject({ path: ["k"], message: "must be at most 9" });
    expect(issue({ source: { kind: "artifacts", artifactIds: [] } })).toMatchObject({
      path: ["source", "artifactIds"],
      message: "must name at least one checkpoint",
    });
    expect(issue({ source: { kind: "openai", baseUrl: "ftp://x", model: "m" } })?.path).toEqual(["source", "baseUrl"]);
  });
});
