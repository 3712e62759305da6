// The model registry: every checkpoint (ModelArtifact) with its lineage (base → SFT → RM → PPO),
// metrics and files. A checkpoint is a folder; its path is stored absolute, or relative to the
// storage root.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { notFound } from "../errors";
import { configFromHf, paramCount, type GPTConfig } from "../../ml/light";
import { storageRoot } from "../storage";
import { isId } from "../validation/id";

export type ArtifactKind = "base" | "sft" | "reward_model" | "ppo" | "dpo";
/** Kinds that generate answers (a policy); a reward model only scores them. */
export const POLICY_KINDS: readonly ArtifactKind[] = ["base", "sft", "ppo", "dpo"];
export const ONNX_FILE = "model.onnx";

export type ArtifactFile = { name: string; bytes: number | null; onDemand?: boolean };

type ArtifactSource = "trained" | "imported";

export type ArtifactView = {
  id: string;
  kind: ArtifactKind;
  /** "imported": a pretrained folder brought in from outside (lib/models/import.ts). */
  source: ArtifactSource;
  name: string;
  /** Parameters of the model, from its stored shape (null when the row does not say). */
  params: number | null;
  parentId: string | null;
  runId: string | null;
  runName: string | null;
  createdAt: string;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Names of the projects that use it as their answer generator. */
  generatorOf: { id: string; name: string }[];
};

const select = {
  id: true,
  kind: true,
  source: true,
  name: true,
  path: true,
  parentId: true,
  runId: true,
  createdAt: true,
  config: true,
  metrics: true,
  run: { select: { name: true } },
  generatorOf: { select: { id: true, name: true } },
} as const;

type Row = {
  id: string;
  kind: ArtifactKind;
  source: ArtifactSource;
  name: string;
  path: string;
  parentId: string | null;
  runId: string | null;
  createdAt: Date;
  config: unknown;
  metrics: unknown;
  run: { name: string } | null;
  generatorOf: { id: string; name: string }[];
};

const asObject = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function toView(r: Row): ArtifactView {
  return {
    id: r.id,
    kind: r.kind,
    source: r.source,
    name: r.name,
    params: paramsOf(asObject(r.config)),
    parentId: r.parentId,
    runId: r.runId,
    runName: r.run?.name ?? null,
    createdAt: r.createdAt.toISOString(),
    config: asObject(r.config),
    metrics: asObject(r.metrics),
    generatorOf: r.generatorOf,
  };
}

/** The parameter count of a row's stored model shape (`config.model`, a GPTConfig), or its stored `params`. */
function paramsOf(config: Record<string, unknown>): number | null {
  if (typeof config.params === "number") return config.params;
  const m = asObject(config.model);
  const [vocabSize, nCtx, nEmbd, nLayer, nHead] = [m.vocabSize, m.nCtx, m.nEmbd, m.nLayer, m.nHead];
  if ([vocabSize, nCtx, nEmbd, nLayer, nHead].every((v) => typeof v === "number"))
    return paramCount({ vocabSize, nCtx, nEmbd, nLayer, nHead, layerNormEpsilon: 1e-5 } as GPTConfig);
  return null;
}

/** The model shape a checkpoint folder's config.json declares, or null when it cannot be read. */
export function folderModel(dir: string): GPTConfig | null {
  try {
    return configFromHf(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as Record<string, unknown>, "config.json");
  } catch {
    return null;
  }
}

/** The artifact's folder on disk (absolute). */
export function artifactDir(a: { path: string }): string {
  return path.resolve(storageRoot(), a.path);
}

export async function listArtifacts(db: Db, opts: { kinds?: readonly ArtifactKind[] } = {}): Promise<ArtifactView[]> {
  const rows = await db.modelArtifact.findMany({
    where: opts.kinds ? { kind: { in: [...opts.kinds] } } : {},
    orderBy: { createdAt: "asc" },
    select,
  });
  return rows.map(toView);
}

/** One artifact row with its folder, or not found (also for a malformed id). */
export async function findArtifact(db: Db, id: string) {
  const row = isId(id) ? await db.modelArtifact.findUnique({ where: { id }, select }) : null;
  if (!row) throw notFound("The checkpoint");
  return { view: toView(row), dir: artifactDir(row) };
}

export type LineageNode = ArtifactView & { children: LineageNode[] };

/** The artifacts as a forest: each checkpoint under the one it was trained from. */
export function lineageForest(artifacts: readonly ArtifactView[]): LineageNode[] {
  const nodes = new Map(artifacts.map((a) => [a.id, { ...a, children: [] as LineageNode[] }]));
  const roots: LineageNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

/** The chain from the root ancestor down to `id` (base → SFT → ... → id). */
export function lineageChain(artifacts: readonly ArtifactView[], id: string): ArtifactView[] {
  const byId = new Map(artifacts.map((a) => [a.id, a]));
  const chain: ArtifactView[] = [];
  const seen = new Set<string>();
  for (let a = byId.get(id); a && !seen.has(a.id); a = a.parentId ? byId.get(a.parentId) : undefined) {
    seen.add(a.id);
    chain.unshift(a);
  }
  return chain;
}

/**
 * The files a checkpoint folder offers for download (top level, regular files), plus the ONNX
 * export of a policy (the export holds the language-model body only, not a reward model's head).
 */
export function artifactFiles(dir: string, kind: ArtifactKind): ArtifactFile[] {
  const files: ArtifactFile[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith(".") || e.name.includes(".tmp-")) continue;
    files.push({ name: e.name, bytes: fs.statSync(path.join(dir, e.name)).size });
  }
  if (POLICY_KINDS.includes(kind) && !files.some((f) => f.name === ONNX_FILE) && files.some((f) => f.name === "model.safetensors")) {
    files.push({ name: ONNX_FILE, bytes: null, onDemand: true });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
