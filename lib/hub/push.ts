// Pushing to the Hugging Face Hub with @huggingface/hub: an export folder (its dataset card and data
// files) to a dataset repository, a checkpoint folder (config, weights, tokenizer; never the optimizer
// state) to a model repository, in one commit. The package speaks the Hub's commit API: create the
// repository (an existing one is kept), ask /preupload which files go by LFS, send those through the
// LFS batch API, then POST the commit as NDJSON. Off unless HUB_PUSH=1; the token is the one an admin
// stored (./token.ts); files stream from disk; an error is one sentence that never holds the token.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRepo, HubApiError, uploadFiles } from "@huggingface/hub";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { envVar } from "../env";
import { AppError } from "../errors";
import { exportsRoot, getExport } from "../exports/store";
import { findArtifact } from "../models/artifacts";
import type { HubPushInput } from "../validation/hub";
import { hubToken } from "./token";

export type HubRepoType = "dataset" | "model";
export type HubFile = { path: string; file: string };
export type HubPushResult = { repo: string; type: HubRepoType; url: string; commit: { oid: string; url: string }; files: string[] };

/** A checkpoint's files that are not the model: the optimizer state and the trainer's bookkeeping stay home. */
const PRIVATE_FILE = /^(optimizer\.safetensors|trainer_state\.json|dpo_reference\.json)$|\.tmp-|^\./;

/** Replaces the token (and its Bearer form) wherever it appears. */
const redact = (text: string, token: string) => text.split(token).join("[redacted]");

/**
 * The request layer: creates `repo` of `type` when it does not exist (private unless told), then
 * commits `files` to its main branch. `hubUrl` and `fetch` are where requests go (tests: a local server).
 */
export async function pushFolder(o: {
  repo: string;
  type: HubRepoType;
  files: HubFile[];
  token: string;
  title: string;
  private?: boolean;
  hubUrl?: string;
  fetch?: typeof fetch;
}): Promise<HubPushResult> {
  const hubUrl = (o.hubUrl ?? envVar("HUB_URL")).replace(/\/+$/, "");
  const repo = { type: o.type, name: o.repo } as const;
  const what = `the ${o.type} repository ${o.repo}`;
  try {
    try {
      await createRepo({ repo, accessToken: o.token, hubUrl, fetch: o.fetch, visibility: o.private === false ? "public" : "private" });
    } catch (e) {
      if (!(e instanceof HubApiError && e.statusCode === 409)) throw e; // 409: it exists already, and keeps its visibility
    }
    const out = await uploadFiles({
      repo,
      accessToken: o.token,
      hubUrl,
      fetch: o.fetch,
      useXet: false, // the LFS batch API: the documented, plain-HTTP way (Xet needs its own storage protocol)
      commitTitle: o.title,
      files: o.files.map((f) => ({ path: f.path, content: pathToFileURL(f.file) })),
    });
    if (!out?.commit?.oid) throw new AppError("unavailable", `The Hub answered the commit to ${what} without a commit id.`);
    return {
      repo: o.repo,
      type: o.type,
      url: `${hubUrl}/${o.type === "dataset" ? "datasets/" : ""}${o.repo}`,
      commit: { oid: out.commit.oid, url: out.commit.url },
      files: o.files.map((f) => f.path),
    };
  } catch (e) {
    throw hubError(e, what, o.token);
  }
}

/** One sentence for a failed push: the Hub's status and its own short message, never the token. */
function hubError(e: unknown, what: string, token: string): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof HubApiError) {
    const status = e.statusCode;
    // the package's message: the Hub's own error text, then ". URL: …" (left out: the sentence names the repository)
    const said = redact(String(e.message ?? ""), token)
      .split(/\. URL: /)[0]!
      .replace(/\s+/g, " ")
      .slice(0, 200)
      .replace(/\.$/, "");
    if (status === 401 || status === 403)
      return new AppError(
        "unprocessable",
        `The Hub refused the stored token for ${what} (${status}): check the token has write access${said ? `; the Hub said: ${said}` : ""}.`,
      );
    return new AppError("unavailable", `The Hub answered ${status} while pushing to ${what}${said ? `: ${said}` : ""}.`);
  }
  // fetch's "fetch failed" says nothing: its cause has the code (ECONNREFUSED) or the reason ("bad port")
  const err = e as { cause?: { code?: unknown; message?: unknown }; message?: unknown };
  const why =
    typeof err?.cause?.code === "string"
      ? err.cause.code
      : redact(String(typeof err?.cause?.message === "string" ? err.cause.message : (err?.message ?? e)), token).slice(0, 120);
  return new AppError("unavailable", `The Hub could not be reached while pushing to ${what}: ${why}.`);
}

/** HUB_PUSH=1 and a stored token, or one sentence saying which is missing. */
async function pushSetup(db: Db): Promise<string> {
  if (envVar("HUB_PUSH") !== "1") throw new AppError("conflict", "Pushing to the Hugging Face Hub is off: set HUB_PUSH=1 to turn it on.");
  const token = await hubToken(db);
  if (!token) throw new AppError("conflict", "No Hugging Face token is stored: an admin adds one under Settings → Hugging Face Hub.");
  return token;
}

/** An export folder to a dataset repository: every file its Export row lists (the card README.md, the data files). */
export async function pushExport(db: Db, user: SessionUser, exportId: string, input: HubPushInput): Promise<HubPushResult> {
  const token = await pushSetup(db);
  const e = await getExport(db, exportId);
  const dir = path.join(exportsRoot(), e.id);
  const files = e.files.map((f) => ({ path: f.name, file: path.join(dir, f.name) }));
  for (const f of files)
    if (!fs.existsSync(f.file)) throw new AppError("conflict", `The export file ${f.path} is missing from storage, so nothing was pushed.`);
  const result = await pushFolder({
    repo: input.repo,
    type: "dataset",
    files,
    token,
    private: input.private,
    title: `Upload ${e.kind} export ${e.id.slice(0, 8)} from RLHF Studio`,
  });
  await audit(db, user.id, "export.hub_push", { type: "export", id: e.id }, { repo: result.repo, commit: result.commit.oid });
  return result;
}

/** A checkpoint folder to a model repository: its top-level files, without the optimizer state. */
export async function pushModel(db: Db, user: SessionUser, artifactId: string, input: HubPushInput): Promise<HubPushResult> {
  const token = await pushSetup(db);
  const { view, dir } = await findArtifact(db, artifactId);
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !PRIVATE_FILE.test(d.name))
    .map((d) => ({ path: d.name, file: path.join(dir, d.name) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  if (!files.some((f) => f.path === "model.safetensors"))
    throw new AppError("conflict", `The checkpoint "${view.name}" has no model.safetensors in storage, so nothing was pushed.`);
  const result = await pushFolder({
    repo: input.repo,
    type: "model",
    files,
    token,
    private: input.private,
    title: `Upload ${view.kind} checkpoint "${view.name}" from RLHF Studio`,
  });
  await audit(db, user.id, "model.hub_push", { type: "model", id: view.id }, { repo: result.repo, commit: result.commit.oid });
  return result;
}
