// Pushing to the Hugging Face Hub, against a local HTTP server written here that speaks the Hub's
// commit API as documented: POST /api/repos/create (409 when it exists), POST
// /api/{type}s/{repo}/preupload/{rev} (which files go by LFS), the Git LFS batch API
// ({datasets/}{repo}.git/info/lfs/objects/batch, basic transfer, then a PUT of each object to the
// href it gives) and POST /api/{type}s/{repo}/commit/{rev} as NDJSON (header, file, lfsFile lines).
// The server checks the Bearer token on each Hub call, each LFS object's sha256 and size, and that
// every lfsFile of the commit was uploaded; the test reads the committed files back from it.
// A push of an export or a checkpoint runs in a child process: the server sees whose connection
// each request comes on (through /proc, on Linux) and can hold the commit to catch the push mid-way.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { getHubPush, startExportPush, startModelPush, type HubPushView } from "../../lib/hub/push";
import { pushFolder } from "../../lib/hub/push-folder";
import { clearHubToken, HUB_TOKEN, hubStatus, hubToken, setHubToken } from "../../lib/hub/token";
import { hubPushInput, hubTokenInput } from "../../lib/validation/hub";
import { makeUser } from "../helpers/factories";

const TOKEN = "hf_test_0123456789abcdefSECRET";
const storage = fs.mkdtempSync(path.join(os.tmpdir(), "hub-push-"));
process.env.STORAGE_DIR = storage;

type Repo = { type: string; private: boolean; files: Map<string, Buffer>; commits: { summary: string; oid: string }[] };
const repos = new Map<string, Repo>();
const lfs = new Map<string, Buffer>(); // oid → bytes
const calls: string[] = [];
let baseUrl = "";
let server: http.Server;
/** When set, the commit waits for it (a push caught before it ends). */
let holdCommit: Promise<void> | null = null;
/** When set, the first request's client process is recorded here. */
let watch: { owner?: ClientProcess | null } | null = null;

type ClientProcess = { pid: number; cmdline: string; environ: string };
/**
 * The process that holds the client end of a connection to the fake Hub from `clientPort`: the
 * socket's inode from /proc/net/tcp, then the process with a descriptor on that socket (Linux).
 */
function clientProcess(clientPort: number): ClientProcess | null {
  const hex = (n: number) => `:${n.toString(16).toUpperCase().padStart(4, "0")}`;
  const serverPort = (server.address() as AddressInfo).port;
  let inode: string | undefined;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"].filter((t) => fs.existsSync(t)))
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(hex(clientPort)) && cols[2]?.endsWith(hex(serverPort))) inode = cols[9];
    }
  if (!inode) return null;
  const pids = [String(process.pid), ...fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d) && d !== String(process.pid))];
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // not ours to read, or gone
    }
    for (const fd of fds) {
      let link = "";
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link === `socket:[${inode}]`) {
        const read = (f: string) => fs.readFileSync(`/proc/${pid}/${f}`, "utf8").replace(/\0/g, " ");
        return { pid: Number(pid), cmdline: read("cmdline"), environ: read("environ") };
      }
    }
  }
  return null;
}

async function until(ok: () => boolean, ms = 30_000) {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`not so after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** The push once it ended. */
async function ended(push: HubPushView): Promise<HubPushView> {
  await until(() => getHubPush(push.id).state !== "running");
  return getHubPush(push.id);
}

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
/** LFS for weights and data files and anything over 10 MB, as the Hub decides by its .gitattributes. */
const lfsPath = (p: string, size: number) => /\.(safetensors|parquet|onnx|bin)$/.test(p) || size > 10 << 20;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, baseUrl);
    if (watch && watch.owner === undefined && process.platform === "linux") watch.owner = clientProcess(req.socket.remotePort!);
    calls.push(`${req.method} ${url.pathname}`);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    const authed = req.headers.authorization === `Bearer ${TOKEN}`;
    let m: RegExpMatchArray | null;
    if (req.method === "POST" && url.pathname === "/api/repos/create") {
      if (!authed) return json(401, { error: "Invalid credentials in Authorization header" });
      const p = JSON.parse(body.toString()) as { name: string; organization: string; type: string; visibility?: string };
      const id = `${p.type}:${p.organization}/${p.name}`;
      if (repos.has(id)) return json(409, { error: "You already created this repo" });
      repos.set(id, { type: p.type, private: p.visibility !== "public", files: new Map(), commits: [] });
      return json(200, { url: `${baseUrl}/${p.organization}/${p.name}`, name: `${p.organization}/${p.name}` });
    }
    if (req.method === "POST" && (m = url.pathname.match(/^\/api\/(model|dataset)s\/([^/]+\/[^/]+)\/preupload\/main$/))) {
      if (!authed) return json(401, { error: "Invalid credentials" });
      if (!repos.has(`${m[1]}:${m[2]}`)) return json(404, { error: "Repository not found" });
      const p = JSON.parse(body.toString()) as { files: { path: string; size: number; sample: string }[] };
      return json(200, { files: p.files.map((f) => ({ path: f.path, uploadMode: lfsPath(f.path, f.size) ? "lfs" : "regular", shouldIgnore: false })) });
    }
    if (req.method === "POST" && (m = url.pathname.match(/^\/(datasets\/)?([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/))) {
      if (!authed) return json(401, { error: "Invalid credentials" });
      const p = JSON.parse(body.toString()) as { operation: string; transfers: string[]; objects: { oid: string; size: number }[] };
      expect(p.operation).toBe("upload");
      expect(p.transfers).toContain("basic");
      return json(200, {
        transfer: "basic",
        objects: p.objects.map((o) =>
          lfs.has(o.oid)
            ? { oid: o.oid, size: o.size }
            : { oid: o.oid, size: o.size, actions: { upload: { href: `${baseUrl}/lfs-storage/${o.oid}?size=${o.size}` } } },
        ),
      });
    }
    if (req.method === "PUT" && (m = url.pathname.match(/^\/lfs-storage\/([0-9a-f]{64})$/))) {
      if (sha256(body) !== m[1] || body.length !== Number(url.searchParams.get("size"))) return json(400, { error: "sha256 or size mismatch" });
      lfs.set(m[1], body);
      return json(200, {});
    }
    if (req.method === "POST" && (m = url.pathname.match(/^\/api\/(model|dataset)s\/([^/]+\/[^/]+)\/commit\/main$/))) {
      if (holdCommit) await holdCommit;
      if (!authed) return json(401, { error: "Invalid credentials" });
      expect(req.headers["content-type"]).toBe("application/x-ndjson");
      const repo = repos.get(`${m[1]}:${m[2]}`);
      if (!repo) return json(404, { error: "Repository not found" });
      const lines = body
        .toString()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
      const header = lines.find((l) => l.key === "header");
      if (!header || lines[0] !== header) return json(400, { error: "The first line must be the header" });
      const files = new Map<string, Buffer>();
      for (const l of lines.slice(1)) {
        if (l.key === "file") {
          expect(l.value.encoding).toBe("base64");
          files.set(l.value.path as string, Buffer.from(l.value.content as string, "base64"));
        } else if (l.key === "lfsFile") {
          const data = lfs.get(l.value.oid as string);
          if (!data || data.length !== l.value.size || l.value.algo !== "sha256")
            return json(422, { error: `LFS object of ${l.value.path as string} was not uploaded` });
          files.set(l.value.path as string, data);
        } else return json(400, { error: `unknown key ${l.key}` });
      }
      for (const [k, v] of files) repo.files.set(k, v);
      const oid = sha256(Buffer.from(JSON.stringify([...files.keys()]) + repo.commits.length)).slice(0, 40);
      repo.commits.push({ summary: header.value.summary as string, oid });
      return json(200, { commitOid: oid, commitUrl: `${baseUrl}/${m[1] === "dataset" ? "datasets/" : ""}${m[2]}/commit/${oid}`, success: true });
    }
    json(404, { error: `no route ${req.method} ${url.pathname}` });
  });
  server.keepAliveTimeout = 60_000; // as a real Hub's front: an idle kept-alive connection is not closed between pushes
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HUB_URL = baseUrl;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function folder(files: Record<string, Buffer | string>): string {
  const dir = fs.mkdtempSync(path.join(storage, "src-"));
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
  return dir;
}

describe("pushFolder (the request layer)", () => {
  it("creates the repository, sends weights and data by LFS and small files inline, in one commit", async () => {
    const weights = crypto.randomBytes(300_000);
    const dir = folder({ "config.json": '{"n_layer": 2}\n', "model.safetensors": weights, "data/train-00000-of-00001.parquet": crypto.randomBytes(5000) });
    calls.length = 0;
    const out = await pushFolder({
      repo: "me/tiny",
      type: "model",
      token: TOKEN,
      title: "Upload tiny",
      hubUrl: baseUrl,
      files: ["config.json", "model.safetensors", "data/train-00000-of-00001.parquet"].map((p) => ({ path: p, file: path.join(dir, p) })),
    });
    const repo = repos.get("model:me/tiny")!;
    expect(repo.private).toBe(true);
    expect(repo.commits).toEqual([{ summary: "Upload tiny", oid: out.commit.oid }]);
    expect(out).toMatchObject({ repo: "me/tiny", type: "model", url: `${baseUrl}/me/tiny`, commit: { url: `${baseUrl}/me/tiny/commit/${out.commit.oid}` } });
    for (const p of out.files) expect(repo.files.get(p)).toEqual(fs.readFileSync(path.join(dir, p)));
    // the documented order: create, preupload, LFS batch, one PUT per LFS object (the weights and the Parquet file), the commit
    expect(calls.slice(0, 3)).toEqual(["POST /api/repos/create", "POST /api/models/me/tiny/preupload/main", "POST /me/tiny.git/info/lfs/objects/batch"]);
    expect(calls.slice(3, -1).sort()).toEqual(
      [sha256(weights), sha256(fs.readFileSync(path.join(dir, "data/train-00000-of-00001.parquet")))].map((o) => `PUT /lfs-storage/${o}`).sort(),
    );
    expect(calls.at(-1)).toBe("POST /api/models/me/tiny/commit/main");
  });

  it("keeps an existing repository (409 on create) and skips LFS objects the Hub already has", async () => {
    const dir = folder({ "model.safetensors": crypto.randomBytes(1000), "README.md": "# v2\n" });
    const files = ["model.safetensors", "README.md"].map((p) => ({ path: p, file: path.join(dir, p) }));
    await pushFolder({ repo: "me/again", type: "model", token: TOKEN, title: "one", hubUrl: baseUrl, files, private: false });
    calls.length = 0;
    const second = await pushFolder({ repo: "me/again", type: "model", token: TOKEN, title: "two", hubUrl: baseUrl, files });
    expect(repos.get("model:me/again")).toMatchObject({ private: false, commits: [{ summary: "one" }, { summary: "two", oid: second.commit.oid }] });
    expect(calls.filter((c) => c.startsWith("PUT"))).toEqual([]); // the weights were there already
  });

  it("fails in one sentence with the Hub's status, never the token", async () => {
    const dir = folder({ "README.md": "x" });
    const err = await pushFolder({
      repo: "me/denied",
      type: "dataset",
      token: "hf_wrong_token_value",
      title: "t",
      hubUrl: baseUrl,
      files: [{ path: "README.md", file: path.join(dir, "README.md") }],
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^The Hub refused the stored token for the dataset repository me\/denied \(401\)/);
    expect((err as Error).message).not.toContain("hf_wrong_token_value");
    // a port nothing listens on (a server opened and closed)
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await pushFolder({
      repo: "me/x",
      type: "model",
      token: TOKEN,
      title: "t",
      hubUrl: `http://127.0.0.1:${port}`,
      files: [{ path: "README.md", file: path.join(dir, "README.md") }],
    }).catch((e: Error) => e);
    expect((down as Error).message).toBe("The Hub could not be reached while pushing to the model repository me/x: ECONNREFUSED.");
  });
});

describe("the stored token and the pushes of exports and checkpoints", () => {
  it("stores the token encrypted (never in clear, never returned), and pushes only with HUB_PUSH=1 and a token", async () => {
    const admin = await makeUser("admin");
    await clearHubToken(db, admin);
    process.env.HUB_PUSH = "0";
    expect(await hubStatus(db)).toMatchObject({ enabled: false, hubUrl: baseUrl, token: { set: false } });

    // a checkpoint folder in storage, registered as a model
    const dir = folder({
      "config.json": "{}\n",
      "model.safetensors": crypto.randomBytes(2000),
      "optimizer.safetensors": crypto.randomBytes(4000),
      "trainer_state.json": "{}",
    });
    const art = await db.modelArtifact.create({ data: { kind: "sft", name: "hub sft", path: dir } });
    await expect(startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/sft" }))).rejects.toThrow(
      "Pushing to the Hugging Face Hub is off: set HUB_PUSH=1 to turn it on.",
    );
    process.env.HUB_PUSH = "1";
    await expect(startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/sft" }))).rejects.toThrow("No Hugging Face token is stored");

    const status = await setHubToken(db, admin, hubTokenInput.parse({ token: TOKEN }));
    expect(status).toMatchObject({ enabled: true, token: { set: true } });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    const row = await db.appSetting.findUniqueOrThrow({ where: { key: HUB_TOKEN } });
    expect(JSON.stringify(row.value)).not.toContain(TOKEN);
    expect(await hubToken(db)).toBe(TOKEN);
    const log = await db.auditLog.findMany({ where: { action: "settings.hub_token", actorId: admin.id } });
    expect(log.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.map((l) => l.detail))).not.toContain(TOKEN);

    const push = await ended(await startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/sft" })));
    expect(push).toMatchObject({ state: "done", error: null });
    const pushed = push.result!;
    expect(pushed.files).toEqual(["config.json", "model.safetensors"]); // the optimizer state stays home
    expect(repos.get("model:me/sft")!.files.get("model.safetensors")).toEqual(fs.readFileSync(path.join(dir, "model.safetensors")));
    expect(await db.auditLog.count({ where: { action: "model.hub_push", targetId: art.id } })).toBe(1);

    // an export: every file its row lists, to a dataset repository
    const exportId = crypto.randomUUID();
    const files = { "README.md": "---\nlicense: cc-by-4.0\n---\n# Rankings\n", "data/train-00000-of-00001.parquet": crypto.randomBytes(3000) };
    const edir = path.join(storage, "exports", exportId);
    for (const [name, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(edir, name)), { recursive: true });
      fs.writeFileSync(path.join(edir, name), data);
    }
    await db.export.create({
      data: {
        id: exportId,
        kind: "rm",
        createdById: admin.id,
        files: Object.entries(files).map(([name, d]) => ({ name, sha256: sha256(Buffer.from(d)), bytes: Buffer.from(d).length })),
      },
    });
    const ds = (await ended(await startExportPush(db, admin, exportId, hubPushInput.parse({ repo: "me/rankings", private: false })))).result;
    expect(ds).toMatchObject({ type: "dataset", url: `${baseUrl}/datasets/me/rankings` });
    const repo = repos.get("dataset:me/rankings")!;
    expect(repo.private).toBe(false);
    for (const [name, data] of Object.entries(files)) expect(repo.files.get(name)).toEqual(Buffer.from(data));

    await clearHubToken(db, admin);
    expect(await hubToken(db)).toBeNull();
    process.env.HUB_PUSH = "0";
  });

  it("pushes from a child process: the start answers before the upload ends, the Hub's connection is not the server's, the token is on no command line or environment", async () => {
    const admin = await makeUser("admin");
    process.env.HUB_PUSH = "1";
    await setHubToken(db, admin, hubTokenInput.parse({ token: TOKEN }));
    const weights = crypto.randomBytes(3 << 20);
    const dir = folder({ "config.json": "{}\n", "model.safetensors": weights });
    const art = await db.modelArtifact.create({ data: { kind: "sft", name: "child push", path: dir } });
    const bytes = weights.length + 3;

    let release!: () => void;
    holdCommit = new Promise<void>((r) => (release = r));
    watch = {};
    calls.length = 0;
    try {
      const started = await startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/child" }));
      expect(started).toMatchObject({ state: "running", repo: "me/child", type: "model", result: null, progress: { phase: "starting", bytes, hashed: 0 } });
      // a second push to the same repository while this one runs is refused
      await expect(startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/child" }))).rejects.toThrow(
        "A push to the model repository me/child is under way: wait for it to end.",
      );
      // the Hub holds the commit: the push is still running, its weights hashed and uploaded by LFS
      await until(() => calls.includes("POST /api/models/me/child/commit/main") && getHubPush(started.id).progress.phase === "committing");
      expect(getHubPush(started.id)).toMatchObject({ state: "running", progress: { phase: "committing", bytes, hashed: bytes, uploaded: bytes } });
      expect(calls).toContain(`PUT /lfs-storage/${sha256(weights)}`);
      if (process.platform === "linux") {
        const owner = watch.owner;
        expect(owner, "the process that opened the connection to the Hub").toBeTruthy();
        expect(owner!.pid).not.toBe(process.pid);
        expect(owner!.cmdline).toContain("lib/hub/push-child.ts");
        expect(owner!.cmdline).not.toContain(TOKEN);
        expect(owner!.environ).not.toContain(TOKEN);
      }
      release();
      const done = await ended(started);
      expect(done).toMatchObject({ state: "done", error: null, result: { repo: "me/child", files: ["config.json", "model.safetensors"] } });
      expect(done.finishedAt).not.toBeNull();
      expect(repos.get("model:me/child")!.files.get("model.safetensors")).toEqual(weights);
      expect(await db.auditLog.count({ where: { action: "model.hub_push", targetId: art.id } })).toBe(1);
    } finally {
      release();
      holdCommit = null;
      watch = null;
    }

    // a push the Hub refuses ends "failed" with the child's sentence, never the token
    await setHubToken(db, admin, hubTokenInput.parse({ token: "hf_revoked_token_value" }));
    const refused = await ended(await startModelPush(db, admin, art.id, hubPushInput.parse({ repo: "me/child" })));
    expect(refused).toMatchObject({ state: "failed", result: null });
    expect(refused.error).toMatch(/^The Hub refused the stored token for the model repository me\/child \(401\)/);
    expect(refused.error).not.toContain("hf_revoked_token_value");
    expect(() => getHubPush(crypto.randomUUID())).toThrow("The push was not found.");
    await clearHubToken(db, admin);
    process.env.HUB_PUSH = "0";
  }, 180_000); // two pushes, each a child process that loads @huggingface/hub

  it("refuses a token or a repository name it cannot use, in one sentence", () => {
    expect(hubTokenInput.safeParse({ token: "not-a-token" }).error?.issues[0].message).toBe("must be a Hugging Face access token: one word starting with hf_");
    for (const repo of ["no-namespace", "a/b/c", "me/../x", "me/x.git", "-me/x"]) expect(hubPushInput.safeParse({ repo }).success, repo).toBe(false);
    expect(hubPushInput.parse({ repo: "my-org/helpful_rankings.v2" })).toEqual({ repo: "my-org/helpful_rankings.v2", private: true });
  });
});
