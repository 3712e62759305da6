// Importing a pretrained GPT-2 folder into the registry: from a folder under the import root
// (POST /api/models/import), by upload (POST /api/models/uploads, PUT each file, POST to finish)
// and from the CLI (npm run import-model). Every bad folder gets one sentence and registers
// nothing: no row, no folder left in storage.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { createApiToken } from "../../lib/auth/api-tokens";
import { db } from "../../lib/db";
import { listArtifacts } from "../../lib/models/artifacts";
import { loadCheckpoint } from "../../ml/checkpoint/checkpoint";
import { paramCount } from "../../ml/model/config";
import { loadTokenizer } from "../../ml/tokenizer/index";
import { makeUser, uniq } from "../helpers/factories";
import { FOLDER_CONFIG, writeGpt2Folder, type FolderOptions } from "../helpers/gpt2-folder";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "model-import-"));
const storage = path.join(tmp, "storage");
const importDir = path.join(tmp, "imports");
process.env.STORAGE_DIR = storage;
process.env.MODEL_IMPORT_DIR = importDir;
fs.mkdirSync(importDir, { recursive: true });

const importRoute = await import("../../app/api/models/import/route");
const uploadsRoute = await import("../../app/api/models/uploads/route");
const uploadRoute = await import("../../app/api/models/uploads/[id]/route");
const fileRoute = await import("../../app/api/models/uploads/[id]/files/[name]/route");
const v1Uploads = await import("../../app/api/v1/models/uploads/route");
const v1Upload = await import("../../app/api/v1/models/uploads/[id]/route");
const v1File = await import("../../app/api/v1/models/uploads/[id]/files/[name]/route");

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const call = (
  h: unknown,
  url: string,
  params: Record<string, string>,
  init: { method: string; body?: BodyInit; headers?: Record<string, string>; duplex?: "half" },
) =>
  (h as Handler)(
    // a session write comes from the app's own origin, as JSON (uploads as octet-stream): lib/http/same-origin
    new NextRequest(`http://localhost:3000${url}`, {
      ...init,
      headers: { origin: "http://localhost:3000", "content-type": init.method === "PUT" ? "application/octet-stream" : "application/json", ...init.headers },
    } as ConstructorParameters<typeof NextRequest>[1]),
    { params: Promise.resolve(params) },
  );
const post = (h: unknown, url: string, body: unknown, params: Record<string, string> = {}) =>
  call(h, url, params, { method: "POST", body: JSON.stringify(body) });
const message = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

let researcher: SessionUser;
let other: SessionUser;
let labeler: SessionUser;

beforeAll(async () => {
  researcher = await makeUser("researcher");
  other = await makeUser("researcher");
  labeler = await makeUser("labeler");
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What storage holds for imports: registered folders only, nothing temporary. */
const importedFolders = () => (fs.existsSync(path.join(storage, "models", "imported")) ? fs.readdirSync(path.join(storage, "models", "imported")).sort() : []);
const registered = async (name: string) => db.modelArtifact.count({ where: { name } });

describe("POST /api/models/import (a folder under the import root)", () => {
  it("validates, copies and registers the folder as an imported base model with its size", async () => {
    writeGpt2Folder(path.join(importDir, "gpt2-tiny"));
    session.user = researcher;
    const name = uniq("gpt2");
    const res = await post(importRoute.POST, "/api/models/import", { path: "gpt2-tiny", name });
    expect(res.status).toBe(200);
    const { model } = (await res.json()) as { model: { id: string; params: number; bytes: number } };
    expect(model.params).toBe(paramCount(FOLDER_CONFIG));
    const row = await db.modelArtifact.findUniqueOrThrow({ where: { id: model.id } });
    expect(row).toMatchObject({ kind: "base", source: "imported", name, path: path.join(storage, "models", "imported", model.id) });
    const files = fs.readdirSync(row.path).sort();
    expect(files).toEqual(["config.json", "merges.txt", "model.safetensors", "vocab.json"]);
    expect(model.bytes).toBe(files.reduce((n, f) => n + fs.statSync(path.join(row.path, f)).size, 0));
    // the registry lists it with its source and size; the engine loads it with its own tokenizer
    const view = (await listArtifacts(db)).find((a) => a.id === model.id)!;
    expect(view).toMatchObject({ source: "imported", params: paramCount(FOLDER_CONFIG) });
    expect(loadCheckpoint(row.path).config).toMatchObject({ vocabSize: 260, nEmbd: 32, nLayer: 2 });
    expect(loadTokenizer(row.path).encode(" the")).toEqual([258]);
    const audit = await db.auditLog.findFirst({ where: { action: "model.import", targetId: model.id } });
    expect(audit?.actorId).toBe(researcher.id);
  });

  it("imports a folder whose tokenizer is tokenizer.json", async () => {
    writeGpt2Folder(path.join(importDir, "with-tokenizer-json"), { tokenizer: "json" });
    session.user = researcher;
    const res = await post(importRoute.POST, "/api/models/import", { path: path.join(importDir, "with-tokenizer-json"), name: uniq("tj") });
    expect(res.status).toBe(200);
  });

  const bad: [string, FolderOptions | ((dir: string) => void), number, string][] = [
    [
      "missing-tensor",
      { tensors: (t) => delete t["transformer.h.1.mlp.c_fc.weight"] },
      422,
      "missing-tensor cannot be imported: model.safetensors has no tensor h.1.mlp.c_fc.weight, which config.json (2 layers) requires.",
    ],
    [
      "wrong-shape",
      { tensors: (t) => (t["transformer.h.0.attn.c_attn.weight"] = { data: new Float32Array(32 * 64), shape: [32, 64] }) },
      422,
      "wrong-shape cannot be imported: model.safetensors: tensor transformer.h.0.attn.c_attn.weight has shape [32, 64] but config.json needs [32, 96].",
    ],
    [
      "extra-tensor",
      { tensors: (t) => (t["score.weight"] = { data: new Float32Array(32), shape: [1, 32] }) },
      422,
      "extra-tensor cannot be imported: model.safetensors has a tensor score.weight that a GPT-2 language model of this config does not have.",
    ],
    [
      "tokenizer-too-big",
      { config: { vocabSize: 258 } },
      422,
      "tokenizer-too-big cannot be imported: the tokenizer has 260 tokens but config.json's vocab_size is 258: token ids past 257 would have no embedding.",
    ],
    [
      "bad-merges",
      { merges: "#version: 0.2\nĠ t x\n" },
      422,
      'bad-merges cannot be imported: the tokenizer does not load: merges.txt does not parse: line 2 should be two tokens separated by a space, got "Ġ t x".',
    ],
    [
      "no-tokenizer",
      { tokenizer: "none" },
      422,
      "no-tokenizer cannot be imported: the folder has no tokenizer: it needs tokenizer.json, or vocab.json and merges.txt.",
    ],
    [
      "bad-dtype",
      (dir) => {
        const f = path.join(dir, "model.safetensors");
        const b = fs.readFileSync(f);
        const at = b.indexOf('"F32"');
        b.write('"I32"', at);
        fs.writeFileSync(f, b);
      },
      422,
      "bad-dtype cannot be imported: model.safetensors: tensor transformer.h.0.attn.bias has dtype I32; only F32, F16, BF16 and F64 load.",
    ],
    ["no-config", (dir) => fs.rmSync(path.join(dir, "config.json")), 422, "no-config cannot be imported: the folder has no config.json."],
    ["truncated", (dir) => fs.truncateSync(path.join(dir, "model.safetensors"), 5000), 422, "truncated cannot be imported"],
  ];

  it.each(bad)("refuses %s in one sentence and registers nothing", async (folder, change, status, sentence) => {
    const dir = path.join(importDir, folder);
    if (typeof change === "function") change(writeGpt2Folder(dir));
    else writeGpt2Folder(dir, change);
    session.user = researcher;
    const before = importedFolders();
    const name = uniq(folder);
    const res = await post(importRoute.POST, "/api/models/import", { path: folder, name });
    expect(res.status).toBe(status);
    const m = await message(res);
    expect(m.startsWith(sentence)).toBe(true);
    expect(m.split(/[.:] [A-Z]/)).toHaveLength(1); // one sentence
    expect(await registered(name)).toBe(0);
    expect(importedFolders()).toEqual(before);
  });

  it("refuses a path outside the import root, also through a symbolic link, and a path that is not a folder", async () => {
    const outside = writeGpt2Folder(path.join(tmp, "outside"));
    fs.symlinkSync(outside, path.join(importDir, "link-out"));
    fs.writeFileSync(path.join(importDir, "notes.txt"), "not a model");
    const linked = writeGpt2Folder(path.join(importDir, "file-link-out"));
    fs.rmSync(path.join(linked, "vocab.json"));
    fs.symlinkSync(path.join(outside, "vocab.json"), path.join(linked, "vocab.json"));
    session.user = researcher;
    const cases: [string, number, string][] = [
      ["../outside", 403, `../outside is outside the import folder ${importDir}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`],
      [outside, 403, `${outside} is outside the import folder ${importDir}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`],
      ["/etc", 403, `/etc is outside the import folder ${importDir}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`],
      ["link-out", 403, `link-out is outside the import folder ${importDir}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`],
      [
        "file-link-out",
        403,
        `file-link-out/vocab.json is outside the import folder ${importDir}; copy the model folder there first (MODEL_IMPORT_DIR sets it).`,
      ],
      ["notes.txt", 400, "notes.txt is not a folder: give the folder that holds config.json, model.safetensors and the tokenizer files."],
      ["nothing-here", 400, `There is no folder at nothing-here under the import folder ${importDir}.`],
    ];
    for (const [p, status, sentence] of cases) {
      const name = uniq("outside");
      const res = await post(importRoute.POST, "/api/models/import", { path: p, name });
      expect([p, res.status, await message(res)]).toEqual([p, status, sentence]);
      expect(await registered(name)).toBe(0);
    }
  });

  it("is refused to a labeler and to a signed-out caller", async () => {
    session.user = labeler;
    expect((await post(importRoute.POST, "/api/models/import", { path: "gpt2-tiny", name: "x" })).status).toBe(403);
    session.user = null;
    expect((await post(importRoute.POST, "/api/models/import", { path: "gpt2-tiny", name: "x" })).status).toBe(401);
  });
});

describe("uploading a model folder", () => {
  const src = path.join(tmp, "upload-src");
  beforeAll(() => void writeGpt2Folder(src));
  const start = async () => ((await (await post(uploadsRoute.POST, "/api/models/uploads", {})).json()) as { upload: { id: string } }).upload.id;
  const put = (id: string, name: string, body: Buffer) =>
    call(
      fileRoute.PUT,
      `/api/models/uploads/${id}/files/${name}`,
      { id, name },
      { method: "PUT", body: new Blob([new Uint8Array(body)]), headers: { "content-length": String(body.byteLength) } },
    );
  const putAll = async (id: string, dir: string) => {
    for (const f of fs.readdirSync(dir)) expect((await put(id, f, fs.readFileSync(path.join(dir, f)))).status).toBe(200);
  };

  it("streams each file to a temporary folder, then validates and registers it", async () => {
    session.user = researcher;
    const id = await start();
    await putAll(id, src);
    // another user cannot add to it or finish it
    session.user = other;
    expect((await put(id, "config.json", Buffer.from("{}"))).status).toBe(404);
    expect((await post(uploadRoute.POST, `/api/models/uploads/${id}`, { name: "x" }, { id })).status).toBe(404);
    session.user = researcher;
    const name = uniq("uploaded");
    const res = await post(uploadRoute.POST, `/api/models/uploads/${id}`, { name }, { id });
    expect(res.status).toBe(200);
    const row = await db.modelArtifact.findFirstOrThrow({ where: { name } });
    expect(row).toMatchObject({ kind: "base", source: "imported" });
    expect(fs.readFileSync(path.join(row.path, "model.safetensors"))).toEqual(fs.readFileSync(path.join(src, "model.safetensors")));
    expect(fs.existsSync(path.join(storage, "uploads", id))).toBe(false);
  });

  it("refuses a file that is not part of a model folder, and a folder over the size limit, leaving nothing behind", async () => {
    session.user = researcher;
    const id = await start();
    const res = await put(id, "run.sh", Buffer.from("echo"));
    expect(res.status).toBe(400);
    expect(await message(res)).toMatch(/^run\.sh is not a file of a model folder; send config\.json, model\.safetensors, /);
    process.env.MODEL_UPLOAD_MAX_BYTES = "4096";
    try {
      const big = await put(id, "model.safetensors", fs.readFileSync(path.join(src, "model.safetensors")));
      expect(big.status).toBe(413);
      expect(await message(big)).toBe(
        "The model folder is larger than the upload limit of 0 MiB (MODEL_UPLOAD_MAX_BYTES); import it from a folder on the server instead.",
      );
      // the stream is counted, not the declared length alone
      const body = fs.readFileSync(path.join(src, "model.safetensors"));
      const sneaky = await call(
        fileRoute.PUT,
        `/api/models/uploads/${id}/files/model.safetensors`,
        { id, name: "model.safetensors" },
        {
          method: "PUT",
          body: new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array(body)), c.close()) }),
          duplex: "half",
        },
      );
      expect(sneaky.status).toBe(413);
    } finally {
      delete process.env.MODEL_UPLOAD_MAX_BYTES;
    }
    expect(fs.readdirSync(path.join(storage, "uploads", id))).toEqual([".owner"]);
  });

  it("refuses a bad uploaded folder in one sentence, registers nothing and removes the upload", async () => {
    const dir = writeGpt2Folder(path.join(tmp, "upload-bad"), { tensors: (t) => delete t["transformer.wpe.weight"] });
    session.user = researcher;
    const id = await start();
    await putAll(id, dir);
    const before = importedFolders();
    const name = uniq("bad-upload");
    const res = await post(uploadRoute.POST, `/api/models/uploads/${id}`, { name }, { id });
    expect(res.status).toBe(422);
    expect(await message(res)).toBe(
      "The uploaded folder cannot be imported: model.safetensors has no tensor wpe.weight, which config.json (2 layers) requires.",
    );
    expect(await registered(name)).toBe(0);
    expect(importedFolders()).toEqual(before);
    expect(fs.existsSync(path.join(storage, "uploads", id))).toBe(false);
  });
});

describe("/api/v1/models/uploads (the upload flow with a token)", () => {
  const src = path.join(tmp, "upload-src-v1");
  beforeAll(() => void writeGpt2Folder(src));
  /** A token request: no session, no origin, the Bearer header only. */
  const v1 = (
    h: unknown,
    url: string,
    token: string,
    params: Record<string, string>,
    init: { method: string; body?: BodyInit; headers?: Record<string, string> },
  ) =>
    (h as Handler)(
      new NextRequest(`http://localhost:3000${url}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } } as ConstructorParameters<
        typeof NextRequest
      >[1]),
      { params: Promise.resolve(params) },
    );
  const token = async (user: SessionUser, scopes: string[]) => (await createApiToken(db, user, { name: "uploads", scopes })).token;

  it("starts, takes each file, finishes and registers the folder; abandons one on DELETE", async () => {
    session.user = null;
    const t = await token(researcher, ["models:import"]);
    const started = await v1(v1Uploads.POST, "/api/v1/models/uploads", t, {}, { method: "POST" });
    expect(started.status).toBe(200);
    const { upload } = (await started.json()) as { upload: { id: string; maxBytes: number } };
    expect(upload.maxBytes).toBeGreaterThan(0);
    for (const f of fs.readdirSync(src)) {
      const body = fs.readFileSync(path.join(src, f));
      const res = await v1(
        v1File.PUT,
        `/api/v1/models/uploads/${upload.id}/files/${f}`,
        t,
        { id: upload.id, name: f },
        {
          method: "PUT",
          body: new Blob([new Uint8Array(body)]),
          headers: { "content-type": "application/octet-stream", "content-length": String(body.byteLength) },
        },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ file: { name: f, bytes: body.byteLength } });
    }
    // another researcher's token cannot finish it
    const otherToken = await token(other, ["models:import"]);
    const json = { "content-type": "application/json" };
    expect(
      (
        await v1(
          v1Upload.POST,
          `/api/v1/models/uploads/${upload.id}`,
          otherToken,
          { id: upload.id },
          { method: "POST", body: JSON.stringify({ name: "x" }), headers: json },
        )
      ).status,
    ).toBe(404);
    const name = uniq("uploaded-v1");
    const done = await v1(
      v1Upload.POST,
      `/api/v1/models/uploads/${upload.id}`,
      t,
      { id: upload.id },
      { method: "POST", body: JSON.stringify({ name }), headers: json },
    );
    expect(done.status).toBe(200);
    const { model } = (await done.json()) as { model: { id: string; name: string; params: number } };
    const row = await db.modelArtifact.findUniqueOrThrow({ where: { id: model.id } });
    expect(row).toMatchObject({ name, kind: "base", source: "imported" });
    expect(model.params).toBe(paramCount(FOLDER_CONFIG));
    expect(fs.readFileSync(path.join(row.path, "model.safetensors"))).toEqual(fs.readFileSync(path.join(src, "model.safetensors")));
    expect(fs.existsSync(path.join(storage, "uploads", upload.id))).toBe(false);

    const second = ((await (await v1(v1Uploads.POST, "/api/v1/models/uploads", t, {}, { method: "POST" })).json()) as { upload: { id: string } }).upload.id;
    expect(fs.existsSync(path.join(storage, "uploads", second))).toBe(true);
    const gone = await v1(v1Upload.DELETE, `/api/v1/models/uploads/${second}`, t, { id: second }, { method: "DELETE" });
    expect(gone.status).toBe(200);
    expect(fs.existsSync(path.join(storage, "uploads", second))).toBe(false);
  });

  it("needs the models:import scope, and a role that may import", async () => {
    const readOnly = await token(researcher, ["models:read"]);
    expect((await v1(v1Uploads.POST, "/api/v1/models/uploads", readOnly, {}, { method: "POST" })).status).toBe(403);
    expect((await v1(v1Uploads.POST, "/api/v1/models/uploads", "rlhf_not-a-token", {}, { method: "POST" })).status).toBe(401);
    await expect(token(labeler, ["models:import"])).rejects.toThrow(/cannot grant the scope models:import/);
  });
});

describe("npm run import-model (the CLI)", () => {
  const run = promisify(execFile);
  const cli = (args: string[]) =>
    run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/import-model.ts", ...args], {
      env: { ...process.env, STORAGE_DIR: storage },
      encoding: "utf8",
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("imports a folder from any path and refuses a bad one in one sentence", async () => {
    const good = writeGpt2Folder(path.join(tmp, "cli-good"));
    const name = uniq("cli");
    const ok = await cli(["--dir", good, "--name", name]);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout.trim().split("\n").pop()!) as { id: string; params: number };
    expect(out.params).toBe(paramCount(FOLDER_CONFIG));
    expect(await db.modelArtifact.findUniqueOrThrow({ where: { id: out.id } })).toMatchObject({ name, source: "imported", kind: "base" });

    const badDir = writeGpt2Folder(path.join(tmp, "cli-bad"), { config: { vocabSize: 100 } });
    const badName = uniq("cli-bad");
    const bad = await cli(["--dir", badDir, "--name", badName]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n").pop()).toBe(
      `${badDir} cannot be imported: the tokenizer has 260 tokens but config.json's vocab_size is 100: token ids past 99 would have no embedding.`,
    );
    expect(await registered(badName)).toBe(0);
  });

  it("npm run ml -- check-model validates a folder without a database", async () => {
    const goodDir = writeGpt2Folder(path.join(tmp, "check-good"));
    const badDir = writeGpt2Folder(path.join(tmp, "check-bad"), { config: { vocabSize: 100 } });
    const good = await run(process.execPath, ["--import", "tsx", "ml/cli.ts", "check-model", "--dir", goodDir], { encoding: "utf8" });
    expect(JSON.parse(good.stdout.trim())).toMatchObject({ params: paramCount(FOLDER_CONFIG), dtype: "F32", tokenizer: { kind: "gpt2-bpe", vocabSize: 260 } });
    const bad = await run(process.execPath, ["--import", "tsx", "ml/cli.ts", "check-model", "--dir", badDir], { encoding: "utf8" }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect("code" in bad && bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("error: The tokenizer has 260 tokens but config.json's vocab_size is 100: token ids past 99 would have no embedding.");
  });
});
