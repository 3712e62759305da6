// Pushing to the Hugging Face Hub: an export folder (its dataset card and data files) to a dataset
// repository, a checkpoint folder (config, weights, tokenizer; never the optimizer state) to a model
// repository, in one commit. Off unless HUB_PUSH=1; the token is the one an admin stored (./token.ts).
// A push hashes and uploads up to hundreds of MB, so it runs in a child process (./push-process.ts)
// and the request that starts it answers at once: the push's id, then GET /api/hub/pushes/{id}
// tells its progress and how it ended. Pushes live in this server's memory for an hour after they end.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { envVar } from "../env";
import { AppError, notFound } from "../errors";
import { exportsRoot, getExport } from "../exports/store";
import { findArtifact } from "../models/artifacts";
import type { HubPushInput } from "../validation/hub";
import type { HubFile, HubPushProgress, HubPushResult, HubRepoType } from "./push-folder";
import { pushInChild } from "./push-process";
import { hubToken } from "./token";

/** One push as the settings and the pushers see it. */
export type HubPushView = {
  id: string;
  repo: string;
  type: HubRepoType;
  state: "running" | "done" | "failed";
  progress: HubPushProgress;
  result: HubPushResult | null;
  /** Why it failed: one sentence, never the token. */
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

/** A checkpoint's files that are not the model: the optimizer state and the trainer's bookkeeping stay home. */
const PRIVATE_FILE = /^(optimizer\.safetensors|trainer_state\.json|dpo_reference\.json)$|\.tmp-|^\./;

/** How long an ended push can still be asked about. */
const KEEP_MS = 3600_000;

// One registry per server process, kept on globalThis so every route's bundle sees the same one.
const registry = globalThis as unknown as { rlhfHubPushes?: Map<string, HubPushView> };
const pushes = (registry.rlhfHubPushes ??= new Map<string, HubPushView>());

/** The push with this id: its progress while it runs, its commit or its error once it ended. */
export function getHubPush(id: string): HubPushView {
  const p = pushes.get(id);
  if (!p) throw notFound("The push");
  return structuredClone(p);
}

/** HUB_PUSH=1 and a stored token, or one sentence saying which is missing. */
async function pushSetup(db: Db): Promise<string> {
  if (envVar("HUB_PUSH") !== "1") throw new AppError("conflict", "Pushing to the Hugging Face Hub is off: set HUB_PUSH=1 to turn it on.");
  const token = await hubToken(db);
  if (!token) throw new AppError("conflict", "No Hugging Face token is stored: an admin adds one under Settings → Hugging Face Hub.");
  return token;
}

/** Starts the push in its child process and answers at once; `ended` records the push (the audit log) when it succeeded. */
function startPush(
  o: { repo: string; type: HubRepoType; files: HubFile[]; token: string; title: string; private: boolean },
  ended: (r: HubPushResult) => Promise<void>,
): HubPushView {
  const now = Date.now();
  for (const [id, p] of pushes) if (p.finishedAt && now - Date.parse(p.finishedAt) > KEEP_MS) pushes.delete(id);
  for (const p of pushes.values())
    if (p.state === "running" && p.type === o.type && p.repo === o.repo)
      throw new AppError("conflict", `A push to the ${o.type} repository ${o.repo} is under way: wait for it to end.`);
  const push: HubPushView = {
    id: crypto.randomUUID(),
    repo: o.repo,
    type: o.type,
    state: "running",
    progress: { phase: "starting", bytes: o.files.reduce((n, f) => n + fs.statSync(f.file).size, 0), hashed: 0, uploaded: 0 },
    result: null,
    error: null,
    startedAt: new Date(now).toISOString(),
    finishedAt: null,
  };
  pushes.set(push.id, push);
  const end = (state: "done" | "failed") => {
    push.state = state;
    push.finishedAt = new Date().toISOString();
  };
  pushInChild({ ...o, hubUrl: envVar("HUB_URL") }, (p) => (push.progress = p))
    .then(async (result) => {
      push.result = result;
      await ended(result).catch((e: unknown) => console.error("the Hub push succeeded but its audit entry failed:", e));
      end("done");
    })
    .catch((e: unknown) => {
      push.error = e instanceof AppError ? e.message : `The push to the ${o.type} repository ${o.repo} failed: ${e instanceof Error ? e.message : String(e)}`;
      end("failed");
    });
  return structuredClone(push);
}

/** An export folder to a dataset repository: every file its Export row lists (the card README.md, the data files). */
export async function startExportPush(db: Db, user: SessionUser, exportId: string, input: HubPushInput): Promise<HubPushView> {
  const token = await pushSetup(db);
  const e = await getExport(db, exportId);
  const dir = path.join(exportsRoot(), e.id);
  const files = e.files.map((f) => ({ path: f.name, file: path.join(dir, f.name) }));
  for (const f of files)
    if (!fs.existsSync(f.file)) throw new AppError("conflict", `The export file ${f.path} is missing from storage, so nothing was pushed.`);
  return startPush(
    { repo: input.repo, type: "dataset", files, token, private: input.private, title: `Upload ${e.kind} export ${e.id.slice(0, 8)} from RLHF Studio` },
    (r) => audit(db, user.id, "export.hub_push", { type: "export", id: e.id }, { repo: r.repo, commit: r.commit.oid }),
  );
}

/** A checkpoint folder to a model repository: its top-level files, without the optimizer state. */
export async function startModelPush(db: Db, user: SessionUser, artifactId: string, input: HubPushInput): Promise<HubPushView> {
  const token = await pushSetup(db);
  const { view, dir } = await findArtifact(db, artifactId);
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !PRIVATE_FILE.test(d.name))
    .map((d) => ({ path: d.name, file: path.join(dir, d.name) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  if (!files.some((f) => f.path === "model.safetensors"))
    throw new AppError("conflict", `The checkpoint "${view.name}" has no model.safetensors in storage, so nothing was pushed.`);
  return startPush(
    { repo: input.repo, type: "model", files, token, private: input.private, title: `Upload ${view.kind} checkpoint "${view.name}" from RLHF Studio` },
    (r) => audit(db, user.id, "model.hub_push", { type: "model", id: view.id }, { repo: r.repo, commit: r.commit.oid }),
  );
}
