// Importing a Hugging Face GPT-2 model folder into the registry, from a folder on the server (under
// the import root only), an upload (lib/models/upload.ts) or the CLI (scripts/import-model.ts).
// The folder's known files are copied into storage under a temporary name, the copy is validated
// (ml/checkpoint/validate.ts: one sentence naming the first problem), renamed into place, and only
// then is the row written, in a transaction with its audit entry. A refusal registers nothing and
// leaves nothing behind.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { MODEL_FOLDER_FILES, ModelFolderError, validateModelFolder, type ModelFolderInfo } from "../../ml/light";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { storageDir } from "../storage";
import { envVar } from "../env";

/**
 * The only folder a server-path import may read from (MODEL_IMPORT_DIR, default `<DATA_DIR>/imports`).
 * Without it, anyone allowed to import could make the server copy any file it can read.
 */
export function importRoot(): string {
  return path.resolve(/*turbopackIgnore: true*/ envVar("MODEL_IMPORT_DIR") ?? path.join(envVar("DATA_DIR"), "imports"));
}

/**
 * The folder a server-path import names, resolved (symbolic links followed) and checked to lie
 * inside the import root. A relative path is taken relative to the root.
 */
function resolveImportPath(given: string, root = importRoot()): string {
  const realRoot = fs.existsSync(/*turbopackIgnore: true*/ root) ? fs.realpathSync(/*turbopackIgnore: true*/ root) : root;
  const target = path.resolve(realRoot, given);
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    if (!inside(realRoot, target)) throw outside(given, root);
    throw new AppError("bad_request", `There is no folder at ${given} under the import folder ${root}.`);
  }
  if (!inside(realRoot, real)) throw outside(given, root);
  if (!fs.statSync(real).isDirectory())
    throw new AppError("bad_request", `${given} is not a folder: give the folder that holds config.json, model.safetensors and the tokenizer files.`);
  return real;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root + path.sep);
const outside = (given: string, root: string) =>
  new AppError("forbidden", `${given} is outside the import folder ${root}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`);

export type ImportedModel = { id: string; name: string; path: string; info: ModelFolderInfo };

/**
 * Copies (or, with `move`, renames: an upload's own temporary folder) the model folder's known
 * files into storage, validates the copy and registers it as a base model with source "imported".
 */
export async function importModelFolder(
  db: Db,
  actorId: string | null,
  o: { dir: string; name: string; move?: boolean; from: string; root?: string },
): Promise<ImportedModel> {
  const name = o.name.trim();
  if (!name) throw new AppError("bad_request", "Give the imported model a name.");
  if (name.length > 200) throw new AppError("bad_request", "The model's name must be at most 200 characters.");
  const st = fs.statSync(o.dir, { throwIfNoEntry: false });
  if (!st) throw new AppError("bad_request", `There is no folder at ${o.from}.`);
  if (!st.isDirectory())
    throw new AppError("bad_request", `${o.from} is not a folder: give the folder that holds config.json, model.safetensors and the tokenizer files.`);

  const id = crypto.randomUUID();
  const finalDir = path.join(storageDir("models", "imported"), id);
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp);
  try {
    for (const f of MODEL_FOLDER_FILES) {
      const src = path.join(o.dir, f);
      const fst = fs.lstatSync(src, { throwIfNoEntry: false });
      if (!fst) continue;
      // a file that links out of the import root is refused like a folder outside it
      if (o.root && !inside(o.root, fs.realpathSync(src))) throw outside(path.join(o.from, f), o.root);
      if (o.move && fst.isFile()) fs.renameSync(src, path.join(tmp, f));
      else await fs.promises.copyFile(src, path.join(tmp, f));
    }
    let info: ModelFolderInfo;
    try {
      info = validateModelFolder(tmp);
    } catch (e) {
      if (e instanceof ModelFolderError) throw new AppError("unprocessable", `${o.from} cannot be imported: ${lowerFirst(e.message)}`);
      throw e;
    }
    fs.renameSync(tmp, finalDir);
    try {
      await db.$transaction(async (tx) => {
        await tx.modelArtifact.create({
          data: {
            id,
            kind: "base",
            source: "imported",
            name,
            path: finalDir,
            config: {
              model: info.config,
              params: info.params,
              bytes: info.bytes,
              dtype: info.dtype,
              tokenizer: info.tokenizer,
              importedFrom: o.from,
            } as object,
          },
        });
        await audit(tx, actorId, "model.import", { type: "model", id }, { name, from: o.from, params: info.params, bytes: info.bytes });
      });
    } catch (e) {
      fs.rmSync(finalDir, { recursive: true, force: true });
      throw e;
    }
    return { id, name, path: finalDir, info };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A server-path import: the path checked against the import root, then importModelFolder. */
export async function importFromServerPath(db: Db, actorId: string, o: { path: string; name: string }): Promise<ImportedModel> {
  const root = importRoot();
  const dir = resolveImportPath(o.path, root);
  const realRoot = fs.realpathSync(/*turbopackIgnore: true*/ root);
  return importModelFolder(db, actorId, { dir, name: o.name, from: path.relative(realRoot, dir) || ".", root: realRoot });
}

const lowerFirst = (s: string) => s.replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase());
