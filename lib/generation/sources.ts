// The models that write a generation job's answers: policy checkpoints of this app (sampled in a
// worker thread) or an OpenAI-compatible endpoint. Each source answers "n answers to this chat".
import "server-only";
import type { Db } from "../db";
import { artifactDir, POLICY_KINDS, type ArtifactKind } from "../models/artifacts";
import { allowedEndpoint } from "./allowed-endpoint";
import { EndpointRefused, pinnedFetch, type Target } from "./endpoint-guard";
import { OpenAIClient } from "./openai-client";
import { Policy, type ChatTurn, type Sampling } from "./policy";
import type { GenerateJob } from "./request";
import type { GeneratedAnswer } from "./tasks";

class GenerateConfigError extends Error {
  override name = "GenerateConfigError";
}

export type AnswerSource = {
  label: string;
  /** Who writes the answers: a checkpoint, or an endpoint's model (a prompt gets one task per round of a writer). */
  writer: { artifactId: string } | { endpointModel: string };
  answer(messages: ChatTurn[], n: number, s: Sampling, signal?: AbortSignal): Promise<GeneratedAnswer[]>;
  dispose(): Promise<void>;
};

function policySource(a: { id: string; name: string; dir: string }, threads: number, device: string): AnswerSource {
  const policy = Policy.load(a.dir, threads, device);
  return {
    label: `checkpoint ${a.name}`,
    writer: { artifactId: a.id },
    async answer(messages, n, s) {
      const out = await policy.sample(messages, n, s);
      return out.map((o) => ({
        text: o.text,
        source: "model" as const,
        sourceName: a.name,
        artifactId: a.id,
        metadata: { tokens: o.tokens.length, finished: o.finished },
      }));
    },
    dispose: () => policy.dispose(),
  };
}

/**
 * The endpoint's host checked against the admin's allow-list and resolved once (the client then
 * connects to that address only); one sentence when it is refused.
 */
async function checkedEndpoint(db: Db, baseUrl: string): Promise<Target> {
  try {
    return await allowedEndpoint(db, baseUrl);
  } catch (e) {
    if (e instanceof EndpointRefused) throw new GenerateConfigError(e.message);
    throw e;
  }
}

/** Opens the sources a run names; fails with one sentence when a checkpoint is missing or not a policy. */
export async function openSources(
  db: Db,
  project: { generatorId: string | null },
  source: GenerateJob["source"],
  secrets: Record<string, string> | undefined,
  threads = 2,
  device = "cpu",
): Promise<AnswerSource[]> {
  if (source.kind === "openai") {
    const target = await checkedEndpoint(db, source.baseUrl);
    const client = new OpenAIClient({
      baseUrl: source.baseUrl,
      fetch: pinnedFetch(target),
      model: source.model,
      apiKey: secrets?.apiKey || undefined,
      requestsPerMinute: source.requestsPerMinute,
      concurrency: source.concurrency,
      stream: source.stream,
    });
    return [
      {
        label: `endpoint model ${source.model}`,
        writer: { endpointModel: source.model },
        async answer(messages, n, s, signal) {
          const texts = await client.chat(messages, n, { temperature: s.temperature, topP: s.topP, maxTokens: s.maxNewTokens, seed: s.seed }, signal);
          return texts.map((text) => ({ text, source: "endpoint" as const, sourceName: source.model, metadata: { endpoint: new URL(source.baseUrl).host } }));
        },
        dispose: async () => {},
      },
    ];
  }
  const ids = source.kind === "promoted" ? (project.generatorId ? [project.generatorId] : []) : source.artifactIds;
  if (ids.length === 0)
    throw new GenerateConfigError("The project has no promoted answer generator: promote a policy checkpoint on the Models page, or name checkpoints.");
  const rows = await db.modelArtifact.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, kind: true, path: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const opened: AnswerSource[] = [];
  try {
    for (const id of ids) {
      const a = byId.get(id);
      if (!a) throw new GenerateConfigError(`The checkpoint ${id} does not exist.`);
      if (!POLICY_KINDS.includes(a.kind as ArtifactKind))
        throw new GenerateConfigError(`The checkpoint "${a.name}" is a reward model: it scores answers but cannot write them.`);
      opened.push(policySource({ id: a.id, name: a.name, dir: artifactDir(a) }, threads, device));
    }
  } catch (e) {
    await Promise.all(opened.map((s) => s.dispose()));
    throw e;
  }
  return opened;
}
