// Downloading a checkpoint's files. The client names an artifact id and a file name, never a path:
// the folder comes from the database, and only a regular file directly inside it is served.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { findArtifact, ONNX_FILE, POLICY_KINDS } from "./artifacts";
import { ensureOnnx, isExporting } from "./onnx";

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** The absolute path of file `name` directly inside `dir`, or not found. Symlinks and sub-paths are refused. */
function fileInside(dir: string, name: string): string {
  if (!SAFE_NAME.test(name) || name.includes("..")) throw notFound(`The file "${name}"`);
  const root = fs.realpathSync(dir);
  const p = path.join(root, name);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    throw notFound(`The file "${name}"`);
  }
  if (!st.isFile() || path.dirname(p) !== root || name.includes(".tmp-")) throw notFound(`The file "${name}"`);
  return p;
}

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".onnx": "application/octet-stream",
  ".safetensors": "application/octet-stream",
};

const notPolicy = () => new AppError("unprocessable", "The ONNX export is made for policies; a reward model's score head would not be in it.");

/**
 * Makes the checkpoint's model.onnx in a child process (POST /api/models/{id}/onnx) and returns its
 * size; an existing file is kept. Downloading never starts an export: a GET has no side effects.
 */
export async function makeOnnx(db: Db, userId: string, artifactId: string): Promise<{ name: string; bytes: number }> {
  const { view, dir } = await findArtifact(db, artifactId);
  if (!fs.existsSync(dir)) throw notFound("The checkpoint's folder");
  if (!POLICY_KINDS.includes(view.kind)) throw notPolicy();
  let file: string;
  try {
    file = await ensureOnnx(dir);
  } catch (e) {
    throw new AppError("unprocessable", (e as Error).message);
  }
  await audit(db, userId, "model.onnx_export", { type: "model", id: view.id });
  return { name: ONNX_FILE, bytes: fs.statSync(file).size };
}

/** Streams one file of a checkpoint as an attachment; model.onnx only once it has been made. */
export async function downloadArtifactFile(db: Db, userId: string, artifactId: string, name: string): Promise<Response> {
  const { view, dir } = await findArtifact(db, artifactId);
  if (!fs.existsSync(dir)) throw notFound("The checkpoint's folder");
  if (name === ONNX_FILE && !fs.existsSync(path.join(dir, ONNX_FILE))) {
    if (!POLICY_KINDS.includes(view.kind)) throw notPolicy();
    if (isExporting(dir)) throw new AppError("conflict", "The ONNX file is still being made; download it when the export has finished.");
    throw new AppError("conflict", "The ONNX file has not been made yet: make it first (Make ONNX file on Models, or POST /api/models/{id}/onnx).");
  }
  const file = fileInside(dir, name);
  const bytes = fs.statSync(file).size;
  await audit(db, userId, "model.download", { type: "model", id: view.id }, { file: name });
  const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  const safeModel = view.name.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 60) || view.id.slice(0, 8);
  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES[path.extname(name)] ?? "application/octet-stream",
      "content-length": String(bytes),
      "content-disposition": `attachment; filename="${safeModel}-${name}"`,
      "cache-control": "private, no-store",
    },
  });
}
