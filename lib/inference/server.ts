// The inference server: a separate process (scripts/inference.ts) that owns the loaded models, so
// generation and scoring never run in the web server (Next.js bundles server code, and worker
// threads from TypeScript files do not start inside `next start`). HTTP on loopback, every request
// authenticated by a shared secret header:
//   POST /generate { artifactId, messages, sampling, n } → { answers: [{ text, tokens, finished }], ms }
//   POST /score    { artifactId, messages, responses }   → { scores, ms }
//   GET  /health                                          → { ok, loaded }
import "server-only";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ZodError, type z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { LoadedModels } from "./models";
import { generateBody, scoreBody, SECRET_HEADER, type GenerateReply, type ScoreReply } from "./schema";

const MAX_BODY = 2_000_000;

export type InferenceServer = { url: string; port: number; close(): Promise<void> };

export type InferenceServerOptions = {
  port: number;
  secret: string;
  host?: string;
  /** Models kept loaded at once (default 4). */
  capacity?: number;
  /** onnxruntime intra-op threads per model (default 2). */
  threads?: number;
  /** Where the models run: "cpu" (default), "cuda" or "cuda:N". */
  device?: string;
  /** The database (default: lib/db). */
  db?: Db;
};

const digest = (s: string) => crypto.createHash("sha256").update(s).digest();

export async function startInferenceServer(o: InferenceServerOptions): Promise<InferenceServer> {
  if (!o.secret || o.secret.length < 16) throw new Error("The inference server needs a shared secret of at least 16 characters (INFERENCE_SECRET).");
  const db = o.db ?? (await import("../db")).db;
  const models = new LoadedModels(db, o.capacity ?? 4, o.threads ?? 2, o.device ?? "cpu");
  const expected = digest(o.secret);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e) => send(res, ...errorReply(e)));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const given = req.headers[SECRET_HEADER];
    if (typeof given !== "string" || !crypto.timingSafeEqual(digest(given), expected))
      return send(res, 401, { error: { code: "unauthorized", message: "The inference secret is missing or wrong." } });
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/health") return send(res, 200, { ok: true, loaded: models.loadedKeys() });
    if (req.method !== "POST" || (url.pathname !== "/generate" && url.pathname !== "/score"))
      return send(res, 404, { error: { code: "not_found", message: `No route ${req.method} ${url.pathname}.` } });
    const t0 = performance.now();
    if (url.pathname === "/generate") {
      const b = await readBody(req, generateBody);
      const policy = await models.policy(b.artifactId);
      const out = await policy.sample(b.messages, b.n, b.sampling);
      const reply: GenerateReply = {
        answers: out.map((a) => ({ text: a.text, tokens: a.tokens.length, finished: a.finished })),
        ms: Math.round(performance.now() - t0),
      };
      return send(res, 200, reply);
    }
    const b = await readBody(req, scoreBody);
    const scorer = await models.scorer(b.artifactId);
    const reply: ScoreReply = { scores: await scorer.score(b.messages, b.responses), ms: Math.round(performance.now() - t0) };
    return send(res, 200, reply);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await models.close();
    },
  };
}

async function readBody<S extends z.ZodType>(req: http.IncomingMessage, schema: S): Promise<z.infer<S>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new AppError("too_large", `The request body is larger than ${MAX_BODY} bytes.`);
    chunks.push(c);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return schema.parse(json);
}

function errorReply(e: unknown): [number, object] {
  if (e instanceof AppError) return [e.status, { error: { code: e.code, message: e.message } }];
  if (e instanceof ZodError) {
    const i = e.issues[0];
    return [400, { error: { code: "bad_request", message: i ? `${i.path.join(".") ? `${i.path.join(".")}: ` : ""}${i.message}` : "The request is invalid." } }];
  }
  const err = e as { name?: string; message?: string };
  // the model's own refusals (a prompt longer than its context) are the caller's to fix
  if (err?.name === "GenerationError") return [422, { error: { code: "unprocessable", message: err.message } }];
  console.error("[inference] unhandled error:", e instanceof Error ? e.stack : e);
  return [500, { error: { code: "internal", message: "The inference server failed on this request." } }];
}

function send(res: http.ServerResponse, status: number, body: object) {
  if (res.headersSent) return res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
