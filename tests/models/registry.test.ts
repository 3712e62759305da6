// The model registry through its route handlers: lineage, file downloads (permission checked, only
// files directly inside the checkpoint's folder, the ONNX export made by a POST in a child process,
// once, and then served by GET; a GET never starts it), and promoting a project's answer generator (a reward model is refused).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { initGPT, PRESETS, saveCheckpoint } from "../../ml/index";
import { makeUser, uniq } from "../helpers/factories";
import { seedProjectMembers } from "../../lib/membership/members";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "registry-test-"));
process.env.STORAGE_DIR = root;

const filesRoute = await import("../../app/api/models/[id]/files/[name]/route");
const onnxRoute = await import("../../app/api/models/[id]/onnx/route");
const modelRoute = await import("../../app/api/models/[id]/route");
const generatorRoute = await import("../../app/api/projects/[id]/generator/route");

let baseId = "";
let sftId = "";
let rmId = "";
let researcher: SessionUser;
let labeler: SessionUser;

beforeAll(async () => {
  const cfg = PRESETS.tiny;
  saveCheckpoint(path.join(root, "runs", "a", "base"), cfg, initGPT(cfg, 1), { tokenizer: "byte" });
  fs.writeFileSync(path.join(root, "runs", "a", "secret.txt"), "outside the checkpoint folder");
  fs.symlinkSync(path.join(root, "runs", "a", "secret.txt"), path.join(root, "runs", "a", "base", "link.txt"));
  baseId = (await db.modelArtifact.create({ data: { kind: "base", name: uniq("base"), path: "runs/a/base" } })).id; // relative to the storage root
  sftId = (
    await db.modelArtifact.create({
      data: { kind: "sft", name: uniq("sft"), path: path.join(root, "runs", "a", "base"), parentId: baseId, metrics: { val_loss: 2.1 } },
    })
  ).id;
  rmId = (await db.modelArtifact.create({ data: { kind: "reward_model", name: uniq("rm"), path: path.join(root, "runs", "a", "base"), parentId: sftId } })).id;
  researcher = await makeUser("researcher");
  labeler = await makeUser("labeler");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const call = (h: unknown, url: string, params: Record<string, string>, init?: { method: string; body: string }) =>
  (h as Handler)(
    // a session write must come from the app's own origin, as JSON (lib/http/same-origin)
    new NextRequest(`http://localhost:3000${url}`, { ...init, headers: { origin: "http://localhost:3000", "content-type": "application/json" } }),
    { params: Promise.resolve(params) },
  );
const download = (id: string, name: string) => call(filesRoute.GET, `/api/models/${id}/files/${encodeURIComponent(name)}`, { id, name });

describe("GET /api/models/{id}", () => {
  it("shows the lineage chain and the files, the ONNX export offered on demand", async () => {
    session.user = researcher;
    type Detail = { lineage: { id: string; kind: string }[]; files: { name: string; onDemand?: boolean }[] };
    const res = await call(modelRoute.GET, `/api/models/${rmId}`, { id: rmId });
    expect(res.status).toBe(200);
    const rm = (await res.json()) as Detail;
    expect(rm.lineage.map((a) => a.kind)).toEqual(["base", "sft", "reward_model"]);
    expect(rm.files.map((f) => f.name)).toEqual(["config.json", "model.safetensors"]); // no ONNX export of a reward model; a symlink is not a file of it
    const sft = (await (await call(modelRoute.GET, `/api/models/${sftId}`, { id: sftId })).json()) as Detail;
    expect(sft.lineage.map((a) => a.id)).toEqual([baseId, sftId]);
    expect(sft.files).toContainEqual({ name: "model.onnx", bytes: null, onDemand: true });
  });
});

describe("GET /api/models/{id}/files/{name}", () => {
  it("streams a file of the checkpoint to a researcher and refuses a labeler", async () => {
    session.user = researcher;
    const res = await download(baseId, "config.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=".*-config\.json"$/);
    expect(JSON.parse(await res.text())).toMatchObject({ model_type: "gpt2", n_embd: PRESETS.tiny.nEmbd });
    session.user = labeler;
    expect((await download(baseId, "config.json")).status).toBe(403);
    session.user = null;
    expect((await download(baseId, "config.json")).status).toBe(401);
  });

  it("refuses every name that is not a regular file directly inside the folder", async () => {
    session.user = researcher;
    for (const name of ["../secret.txt", "..", "link.txt", "/etc/passwd", "sub/config.json", ".hidden", "missing.json"]) {
      const res = await download(baseId, name);
      expect(res.status, name).toBe(404);
    }
    expect((await download("not-a-uuid", "config.json")).status).toBe(404);
    expect((await download(rmId, "model.onnx")).status).toBe(422);
  });

  it("GET never starts the export: 409 with a sentence until a POST has made the file", async () => {
    session.user = researcher;
    const dir = path.join(root, "runs", "a", "base");
    const res = await download(sftId, "model.onnx");
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toBe(
      "The ONNX file has not been made yet: make it first (Make ONNX file on Models, or POST /api/models/{id}/onnx).",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.readdirSync(dir).filter((f) => f.includes("onnx"))).toEqual([]);
  });

  it("POST /api/models/{id}/onnx is for runs.create, and refuses a reward model", async () => {
    const make = (id: string) => call(onnxRoute.POST, `/api/models/${id}/onnx`, { id }, { method: "POST", body: "" });
    session.user = labeler;
    expect((await make(sftId)).status).toBe(403);
    session.user = null;
    expect((await make(sftId)).status).toBe(401);
    session.user = researcher;
    expect((await make(rmId)).status).toBe(422);
    expect((await make("not-a-uuid")).status).toBe(404);
  });

  it("exports model.onnx once on POST, in a child process, and serves the cached file after", async () => {
    session.user = researcher;
    const dir = path.join(root, "runs", "a", "base");
    const make = (id: string) => call(onnxRoute.POST, `/api/models/${id}/onnx`, { id }, { method: "POST", body: "" });
    const [m1, m2] = await Promise.all([make(sftId), make(baseId)]); // one folder: one export shared
    expect(m1.status, JSON.stringify(await m1.clone().json())).toBe(200);
    expect((await m2.json()).file).toEqual({ name: "model.onnx", bytes: fs.statSync(path.join(dir, "model.onnx")).size });
    const [a, b] = await Promise.all([download(sftId, "model.onnx"), download(baseId, "model.onnx")]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const bytes = new Uint8Array(await a.arrayBuffer());
    await b.arrayBuffer();
    expect(bytes.length).toBe(fs.statSync(path.join(dir, "model.onnx")).size);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    const session0 = await ort.InferenceSession.create(bytes);
    expect(session0.inputNames).toEqual(expect.arrayContaining(["input_ids", "attention_mask", "position_ids", "past_key_values.0.key"]));
    const mtime = fs.statSync(path.join(dir, "model.onnx")).mtimeMs;
    expect((await download(baseId, "model.onnx")).status).toBe(200);
    expect((await make(baseId)).status).toBe(200);
    expect(fs.statSync(path.join(dir, "model.onnx")).mtimeMs).toBe(mtime); // cached, not exported again
  }, 120_000);
});

describe("PUT /api/projects/{id}/generator", () => {
  const put = (projectId: string, artifactId: string | null) =>
    call(generatorRoute.PUT, `/api/projects/${projectId}/generator`, { id: projectId }, { method: "PUT", body: JSON.stringify({ artifactId }) });

  it("promotes a policy checkpoint, refuses a reward model in one sentence, and is for runs.create only", async () => {
    const slug = uniq("p");
    const project = await db.project.create({ data: { slug, name: slug } });
    await db.$transaction((tx) => seedProjectMembers(tx, project.id, null, "everyone")); // as a new project takes everyone
    session.user = researcher;
    const ok = await put(project.id, sftId);
    expect(ok.status).toBe(200);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).generatorId).toBe(sftId);

    const refused = await put(project.id, rmId);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      "A reward model scores answers but cannot write them: promote a base, SFT or PPO checkpoint.",
    );
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).generatorId).toBe(sftId);

    session.user = labeler;
    expect((await put(project.id, baseId)).status).toBe(403);
    session.user = researcher;
    expect((await put(project.id, null)).status).toBe(200);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).generatorId).toBeNull();
    expect(await db.auditLog.count({ where: { targetId: project.id, action: { startsWith: "project.generator" } } })).toBe(2);
  });
});
