// A model folder uploaded from the browser, one file per request so the page can show progress:
// start an upload (a temporary folder under storage/uploads, owned by the user), PUT each file
// (streamed to disk under a temporary name, bounded by MODEL_UPLOAD_MAX_BYTES for the whole
// folder, never buffered), then finish: the folder is validated and registered by
// importModelFolder, and removed whatever the outcome. Uploads left unfinished for a day are
// removed when the next one starts.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MODEL_FOLDER_FILES } from "../../ml/light";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { storageDir } from "../storage";
import { importModelFolder, type ImportedModel } from "./import";
import { envVar } from "../env";
import { isId } from "../validation/id";

const OWNER = ".owner";
const STALE_MS = 24 * 3600_000;

/** The most bytes one uploaded model folder may hold (MODEL_UPLOAD_MAX_BYTES, default 4 GiB). */
export function maxUploadBytes(): number {
  return envVar("MODEL_UPLOAD_MAX_BYTES");
}

const uploadsRoot = () => storageDir("uploads");
const mib = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;
export const tooLarge = () =>
  new AppError(
    "too_large",
    `The model folder is larger than the upload limit of ${mib(maxUploadBytes())} (MODEL_UPLOAD_MAX_BYTES); import it from a folder on the server instead.`,
  );

/** Starts an upload; returns its id. */
export function startUpload(userId: string): { id: string; maxBytes: number } {
  const root = uploadsRoot();
  for (const e of fs.readdirSync(root)) {
    const p = path.join(root, e);
    if (Date.now() - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { recursive: true, force: true });
  }
  const id = crypto.randomUUID();
  fs.mkdirSync(path.join(root, id));
  fs.writeFileSync(path.join(root, id, OWNER), userId);
  return { id, maxBytes: maxUploadBytes() };
}

/** The upload's folder, when it exists and belongs to the user (another user's is not found). */
function uploadDir(userId: string, id: string): string {
  const dir = path.join(uploadsRoot(), id);
  if (!isId(id) || !fs.existsSync(path.join(dir, OWNER)) || fs.readFileSync(path.join(dir, OWNER), "utf8") !== userId) throw notFound("The upload");
  return dir;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isFile()) n += fs.statSync(path.join(dir, e.name)).size;
  return n;
}

/** Streams one file of the folder into the upload, under a temporary name, within the size limit. */
export async function uploadFile(
  userId: string,
  id: string,
  name: string,
  body: ReadableStream<Uint8Array> | null,
  declared?: number,
): Promise<{ name: string; bytes: number }> {
  const dir = uploadDir(userId, id);
  if (!(MODEL_FOLDER_FILES as readonly string[]).includes(name))
    throw new AppError("bad_request", `${name} is not a file of a model folder; send ${MODEL_FOLDER_FILES.join(", ")}.`);
  if (!body) throw new AppError("bad_request", `Send ${name} as the request body.`);
  const dest = path.join(dir, name);
  const others = folderBytes(dir) - (fs.existsSync(dest) ? fs.statSync(dest).size : 0);
  const room = maxUploadBytes() - others;
  if (declared !== undefined && declared > room) throw tooLarge();
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > room ? tooLarge() : null, chunk);
    },
  });
  const tmp = `${dest}.part-${crypto.randomBytes(4).toString("hex")}`;
  // opened here, not by the stream: a stream opens its file later, and a refusal before that open
  // landed would run the cleanup below first and leave the file behind
  const out = fs.createWriteStream(tmp, { fd: fs.openSync(tmp, "wx") });
  try {
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>), limit, out);
    fs.renameSync(tmp, dest);
  } finally {
    out.destroy(); // closes the file if the pipeline never took it
    fs.rmSync(tmp, { force: true });
  }
  return { name, bytes: seen };
}

/** Validates and registers the uploaded folder; the upload is removed whatever the outcome. */
export async function finishUpload(db: Db, userId: string, id: string, name: string): Promise<ImportedModel> {
  const dir = uploadDir(userId, id);
  try {
    return await importModelFolder(db, userId, { dir, name, move: true, from: "The uploaded folder" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Abandons an upload. */
export function cancelUpload(userId: string, id: string): void {
  fs.rmSync(uploadDir(userId, id), { recursive: true, force: true });
}
