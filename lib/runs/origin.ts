// What a run actually started from, in words, for the run page's "Started from" line: its base
// checkpoint (or random weights), PPO's reward model, and for a generate run the models it sampled
// from (the answers it wrote name them, so "the promoted policy" becomes the one it really used).
import "server-only";
import type { Db } from "../db";

const KIND_LABEL: Record<string, string> = { base: "base", sft: "SFT", reward_model: "reward model", ppo: "PPO" };
const named = (a: { name: string; kind: string }) => `${a.name} (${KIND_LABEL[a.kind] ?? a.kind})`;

type RunForOrigin = { id: string; kind: string; projectId: string | null; config: unknown; base: { name: string; kind: string } | null };

export async function runOrigin(db: Db, run: RunForOrigin): Promise<string> {
  const config = (run.config ?? {}) as Record<string, unknown>;
  if (run.kind === "generate") return generateOrigin(db, run, config);
  const from = run.base ? named(run.base) : "random weights (from scratch)";
  if (run.kind === "ppo" && typeof config.rewardId === "string") {
    const rm = await db.modelArtifact.findUnique({ where: { id: config.rewardId }, select: { name: true, kind: true } });
    return `${from}, scored by ${rm ? named(rm) : "a reward model since deleted"}`;
  }
  return from;
}

async function generateOrigin(db: Db, run: RunForOrigin, config: Record<string, unknown>): Promise<string> {
  const source = ((config.request as { source?: Record<string, unknown> } | undefined)?.source ?? { kind: "promoted" }) as {
    kind: string;
    artifactIds?: string[];
    model?: string;
    baseUrl?: string;
  };
  if (source.kind === "openai") return `${source.model ?? "a model"} at ${hostOf(source.baseUrl)} (an OpenAI-compatible endpoint)`;
  // The answers this run wrote say which checkpoints wrote them.
  const written = await db.completion.findMany({
    where: { metadata: { path: ["runId"], equals: run.id }, artifactId: { not: null } },
    distinct: ["artifactId"],
    select: { artifact: { select: { name: true, kind: true } } },
    take: 9,
  });
  if (written.length) return written.map((c) => named(c.artifact!)).join(", ");
  if (source.kind === "artifacts" && source.artifactIds?.length) {
    const arts = await db.modelArtifact.findMany({ where: { id: { in: source.artifactIds } }, select: { name: true, kind: true } });
    return arts.map(named).join(", ") || "checkpoints since deleted";
  }
  const project = run.projectId
    ? await db.project.findUnique({ where: { id: run.projectId }, select: { generator: { select: { name: true, kind: true } } } })
    : null;
  return project?.generator ? `the project's promoted policy, now ${named(project.generator)}` : "the project's promoted policy (none is promoted yet)";
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? "").host;
  } catch {
    return "an endpoint";
  }
}
