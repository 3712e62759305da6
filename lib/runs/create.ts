// createRun: everything is checked before the run is queued (the permission, the project, the
// hyperparameters, the starting checkpoint's kind and context, the reward model, the dataset), each
// refusal in one sentence; then the row goes in with status "queued", which makes it a job.
import "server-only";
import { assertProjectPermission } from "../membership/access";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import { can } from "../auth/permissions";
import { db } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { generateRequestSchema } from "../generation/request";
import { allowedEndpoint } from "../generation/allowed-endpoint";
import { EndpointRefused } from "../generation/endpoint-guard";
import { artifactDir, folderModel } from "../models/artifacts";
import { assertReferenceFits, ConfigError } from "../../ml/light";
import { newRunSchema, type NewRunRequest } from "../validation/run";
import { checkRunConfig } from "./config-check";
import { checkDataset, snapshotProjectLabels } from "./dataset";
import { estimateFor, memoryRefusal, runModel } from "./estimate";
import { RUN_KINDS, type ArtifactKind } from "./kinds";
import { liveWorkers, someWorkerCan } from "../worker/queue";
import { encryptSecrets } from "./secrets";
import { envVar } from "../env";

const refuse = (msg: string) => new AppError("bad_request", msg);

/** The machine's memory the estimate is checked against (RUN_MEMORY_BYTES overrides os.totalmem(), e.g. for a worker machine larger or smaller than the web server's). */
export function totalMemory(): number {
  return envVar("RUN_MEMORY_BYTES") ?? os.totalmem();
}

const ARTIFACT_NAMES: Record<ArtifactKind, string> = {
  base: "base model",
  sft: "SFT model",
  reward_model: "reward model",
  ppo: "PPO policy",
  dpo: "DPO policy",
};
const article = (s: string) => (/^[aeiou]/i.test(s) || /^SFT/.test(s) ? "an" : "a");
const withArticle = (s: string) => `${article(s)} ${s}`;

/** The context length a checkpoint folder's config.json declares, if it can be read. */
function contextOf(dir: string): number | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    const n = j.n_positions ?? j.n_ctx;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}

async function checkBase(kind: keyof typeof RUN_KINDS, baseId: string | undefined) {
  const info = RUN_KINDS[kind];
  const label = info.label.toLowerCase();
  if (info.baseKinds === null) {
    if (baseId) throw refuse(`A ${label} run starts from scratch and takes no starting checkpoint.`);
    return null;
  }
  const allowed = info.baseKinds.map((k) => withArticle(ARTIFACT_NAMES[k])).join(" or ");
  if (!baseId) throw refuse(`Choose the checkpoint a ${label} run starts from: ${allowed}.`);
  const base = await db.modelArtifact.findUnique({ where: { id: baseId }, select: { id: true, kind: true, name: true, path: true } });
  if (!base) throw new AppError("not_found", "The starting checkpoint was not found.");
  if (!info.baseKinds.includes(base.kind))
    throw refuse(`The checkpoint "${base.name}" is ${withArticle(ARTIFACT_NAMES[base.kind])}; a ${label} run starts from ${allowed}.`);
  return base;
}

/**
 * A separate frozen reference (DPO): an artifact of an allowed kind, with the starting checkpoint's
 * architecture and tokenizer (the trainer's own check, on config.json and the tokenizer files only).
 */
async function checkReference(base: { name: string; path: string }, refId: string, kinds: ArtifactKind[]) {
  const ref = await db.modelArtifact.findUnique({ where: { id: refId }, select: { kind: true, name: true, path: true } });
  if (!ref) throw new AppError("not_found", "The reference checkpoint was not found.");
  const allowed = kinds.map((k) => withArticle(ARTIFACT_NAMES[k])).join(" or ");
  if (!kinds.includes(ref.kind)) throw refuse(`The reference checkpoint "${ref.name}" is ${withArticle(ARTIFACT_NAMES[ref.kind])}; a reference is ${allowed}.`);
  try {
    assertReferenceFits(artifactDir(base), artifactDir(ref), { policy: `the starting checkpoint "${base.name}"`, reference: `checkpoint "${ref.name}"` });
  } catch (e) {
    if (e instanceof ConfigError) throw refuse(`${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`);
    throw refuse(`The reference checkpoint "${ref.name}" has no readable config.json and tokenizer.`);
  }
}

/** Validates the request and queues the run. Returns the new run's id. */
export async function createRun(user: SessionUser, request: NewRunRequest): Promise<{ id: string }> {
  if (!can(user, "runs.create")) throw forbidden("Only researchers and admins can start training runs.");
  const input = newRunSchema.parse(request);
  const info = RUN_KINDS[input.kind];
  const project = await db.project.findUnique({ where: { id: input.projectId }, select: { id: true, name: true, answersPerTask: true } });
  if (!project) throw notFound("The project");
  await assertProjectPermission(db, user, project.id, "runs.create");

  const config = checkRunConfig(input.kind, input.config, input.modelSize);
  const base = await checkBase(input.kind, input.baseId);
  const ctx = base ? contextOf(base.path) : undefined;
  if (ctx !== undefined && typeof config.seqLen === "number" && config.seqLen > ctx)
    throw refuse(`The hyperparameter seqLen (${config.seqLen}) exceeds the starting checkpoint's context of ${ctx} tokens.`);
  if (input.kind !== "generate") {
    const model = runModel(input.kind, config, input.modelSize, base ? folderModel(artifactDir(base)) : null);
    const refusal = model && memoryRefusal(estimateFor(input.kind, config, model, project.answersPerTask), totalMemory());
    if (refusal) throw refuse(refusal);
  }
  if (info.needsRewardModel) {
    if (!input.rewardId) throw refuse(`Choose the reward model a ${info.label} run optimises against.`);
    const rm = await db.modelArtifact.findUnique({ where: { id: input.rewardId }, select: { kind: true, name: true } });
    if (!rm) throw new AppError("not_found", "The reward model was not found.");
    if (rm.kind !== "reward_model") throw refuse(`The checkpoint "${rm.name}" is ${withArticle(ARTIFACT_NAMES[rm.kind])}, not a reward model.`);
    config.rewardId = input.rewardId;
  } else if (input.rewardId) throw refuse(`A ${info.label.toLowerCase()} run takes no reward model.`);
  if (input.refId) {
    if (!info.referenceKinds || !base) throw refuse(`A ${info.label.toLowerCase()} run takes no separate reference checkpoint.`);
    await checkReference(base, input.refId, info.referenceKinds);
    config.refId = input.refId;
  }
  if (typeof config.device === "string" && config.device.startsWith("cuda") && !someWorkerCan(await liveWorkers(), config.device))
    throw refuse(
      `No registered worker has the GPU ${config.device === "cuda" ? "" : `${config.device} `}this run asks for: start a worker on a machine with an NVIDIA GPU (after \`npm run gpu:setup\`), or choose the device cpu.`,
    );
  if (input.request && input.kind !== "generate") throw refuse(`Only a generate run takes a request; a ${info.label.toLowerCase()} run has hyperparameters.`);

  let { exportId } = await checkDataset(input.kind, project.id, input.dataset);
  const name = input.name || `${info.label} ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
  if (input.dataset && "projectLabelsNow" in input.dataset)
    exportId = await snapshotProjectLabels(user, input.kind, project.id, name, input.dataset.importedLabels);

  const generate = input.kind === "generate" ? generateRequestSchema.parse(input.request ?? {}) : undefined;
  if (generate?.source.kind === "openai") {
    // Checked again by the worker when it opens the endpoint (the allow-list or DNS may change meanwhile).
    await allowedEndpoint(db, generate.source.baseUrl).catch((e: unknown) => {
      throw e instanceof EndpointRefused ? refuse(e.message) : e;
    });
  }
  const { request: stored, secrets } = splitSecrets(generate);
  if (stored) config.request = stored;
  if (input.kind === "pretrain") config.modelSize = config.modelSize ?? input.modelSize;
  const run = await db.$transaction(async (tx) => {
    const r = await tx.trainingRun.create({
      data: {
        kind: input.kind,
        name,
        config: config as object,
        projectId: project.id,
        exportId,
        baseId: base?.id ?? null,
        createdById: user.id,
        resume: input.resume,
        threads: typeof config.threads === "number" ? config.threads : null,
        secrets: Object.keys(secrets).length ? encryptSecrets(secrets) : null,
      },
      select: { id: true },
    });
    await audit(tx, user.id, "run.create", { type: "run", id: r.id }, { kind: input.kind, exportId, baseId: base?.id ?? null });
    return r;
  });
  return run;
}

/**
 * Moves every `apiKey` field of a generate request into the run's secrets (encrypted at rest, never
 * returned by any route); the rest of the request is stored in the run's config.
 */
function splitSecrets(request: Record<string, unknown> | undefined): { request?: Record<string, unknown>; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  if (!request) return { secrets };
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== "object") return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "apiKey" && typeof x === "string") {
        if (x) secrets.apiKey = x;
      } else out[k] = strip(x);
    }
    return out;
  };
  return { request: strip(request) as Record<string, unknown>, secrets };
}
