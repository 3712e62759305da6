// Route handlers are thin: `route({ permission, params, query, body }, fn)` authenticates (session
// cookie or a bearer token), checks the permission, parses the path parameters, query and JSON body
// with the route's zod schemas, runs fn, and maps errors in one place (a bad path parameter: 404;
// a bad query or body: 400 with the field paths). A bearer token also needs the route's scope. It
// holds the request-level defences too: the body limit of the route's kind (lib/http/body), and for
// cookie-authenticated writes the same-origin and content-type checks (lib/http/same-origin).
// Every answer carries a Server-Timing header: where the request's time went (lib/server-timing).
import "server-only";
import { NextRequest, NextResponse } from "next/server";
import { ZodError, type z } from "zod";
import { userForToken } from "../auth/api-tokens";
import type { SessionUser } from "../auth/authenticate";
import { getCurrentUser } from "../auth/current-user";
import { sessionUserFromHeaders } from "../auth/session-cookie";
import { can, type Permission } from "../auth/permissions";
import { tokenScopes, type Scope } from "../auth/scopes";
import { sqlPool } from "../db";
import { AppError } from "../errors";
import { setServerTiming, timed, withTimings } from "../server-timing";
import { BODY_LIMITS, checkDeclaredLength, readBody, withBodyLimit, type BodyKind } from "./body";
import { assertContentType, assertSameOrigin, isWrite } from "./same-origin";

/**
 * What a handler gets: the request, the signed-in user, and the path parameters, query and JSON body
 * already parsed by the route's zod schemas (without a schema: the raw strings, {} and undefined).
 */
type RouteContext<P = Record<string, string>, Q = Record<string, never>, B = undefined> = {
  req: NextRequest;
  user: SessionUser;
  /** How the user was authenticated: a session cookie or an API token. */
  via: "session" | "token";
  params: P;
  query: Q;
  body: B;
};

type Schema = z.ZodType;
type Out<S, Fallback> = S extends Schema ? z.output<S> : Fallback;

export type RouteOptions<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | BodyKind | undefined = undefined,
> = {
  /** The permission this route needs. */
  permission: Permission;
  /** "session" (browser), "token" (Authorization: Bearer), or "either". */
  auth?: "session" | "token" | "either";
  /** The token scope a bearer call needs besides the permission (lib/auth/scopes); required where tokens are taken. */
  scope?: Scope;
  /**
   * The path parameters' schema. A parameter that fails it names no record, so the answer is the
   * same 404 a well-formed id that does not exist gets: a client sees one answer for "no such
   * thing", and the route's page twin (which has no 400) agrees.
   */
  params?: PS;
  /** The query string's schema (one value per name); a failure is a 400 with the field paths. */
  query?: QS;
  /**
   * A zod schema: the body is JSON, read under maxBytes (default BODY_LIMITS.json) and parsed with
   * it (a failure is a 400 with the field paths). Or what the route reads as its body: "json"
   * (the default for writes; the handler reads it), "upload" or "none".
   */
  body?: BS;
  /** A limit other than BODY_LIMITS[kind] for this route (model uploads: MODEL_UPLOAD_MAX_BYTES; small JSON bodies). */
  maxBytes?: number | (() => number);
  /** The route's own 413 sentence for a body over maxBytes (what to do instead). */
  tooLarge?: () => AppError;
  /** How the OpenAPI document describes the route (every /api/v1 route has one; lib/api/openapi.ts). */
  doc?: RouteDoc;
};

/** What the OpenAPI document says of a route beyond its schemas. */
type RouteDoc = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The JSON answer's schema. */
  response?: Schema;
  /** The success status (default 200). */
  status?: number;
  /** A non-JSON answer (a file): its content types, and headers. */
  responseContent?: Record<string, { schema: object }>;
  responseHeaders?: Record<string, { description: string; schema: object }>;
  /** A non-JSON request body (an upload): its content types. */
  requestContent?: Record<string, { schema: object }>;
  /** Error statuses beyond the ones the schemas imply (401, 403; 404 with path parameters; 400 with a query or body; 413 with a body). */
  errors?: number[];
};

type Handler<PS, QS, BS> = (
  ctx: RouteContext<Out<PS, Record<string, string>>, Out<QS, Record<string, never>>, Out<BS, undefined>>,
) => Promise<Response | object | null>;

/** The options a route was made with, kept on its handler so the OpenAPI document can be generated from them. */
export type RouteSpec = RouteOptions<Schema | undefined, Schema | undefined, Schema | BodyKind | undefined>;
export type RouteHandler = ((req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>) & {
  spec: RouteSpec;
  /**
   * The same route answered outside Next.js (lib/http/direct.ts): the session is read from the
   * request's own headers rather than through next/headers; everything else is the same code.
   */
  direct: (req: NextRequest, params: Record<string, string>) => Promise<Response>;
};

/** Who the session cookie names: through next/headers inside Next.js, from the request's headers outside it. */
type SessionReader = (req: NextRequest) => Promise<SessionUser | null>;
const nextSession: SessionReader = () => getCurrentUser();
const headerSession: SessionReader = (req) => sessionUserFromHeaders(req.headers);

const bodyKind = (req: Request, kind?: BodyKind | Schema): BodyKind =>
  typeof kind === "object" ? "json" : (kind ?? (isWrite(req.method) && req.method !== "DELETE" ? "json" : "none"));
const limitOf = (opts: { maxBytes?: number | (() => number) }, kind: BodyKind) =>
  (typeof opts.maxBytes === "function" ? opts.maxBytes() : opts.maxBytes) ?? BODY_LIMITS[kind];

/** Parses the path parameters: any failure is a 404 (see RouteOptions.params). */
function parseParams(schema: Schema | undefined, raw: unknown): unknown {
  if (!schema) return raw;
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const key = String(r.error.issues[0]?.path[0] ?? "id");
  const value = String((raw as Record<string, unknown> | null)?.[key] ?? "").slice(0, 40);
  throw new AppError("not_found", `There is nothing at that address: "${value}" is not a valid ${key}.`);
}

function parseQuery(schema: Schema | undefined, req: Request): unknown {
  if (!schema) return {};
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}

export function route<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | BodyKind | undefined = undefined,
>(opts: RouteOptions<PS, QS, BS>, fn: Handler<PS, QS, BS>): RouteHandler {
  if (opts.auth && opts.auth !== "session" && !opts.scope)
    throw new Error(`A route that takes API tokens needs a scope beside its permission (${opts.permission}).`);
  const handle = async (req: NextRequest, rawParams: unknown, session: SessionReader): Promise<Response> => {
    try {
      const kind = bodyKind(req, opts.body);
      const max = limitOf(opts, kind);
      checkDeclaredLength(req, max);
      const { user, via } = await resolveUser(req, opts, session);
      if (via === "session") {
        assertSameOrigin(req);
        assertContentType(req, kind);
      }
      req = await limitBody(req, kind, max);
      const params = parseParams(opts.params, await rawParams);
      const query = parseQuery(opts.query, req);
      const body = typeof opts.body === "object" ? await readJson(req, opts.body, max) : undefined;
      const result = await (fn as Handler<Schema, Schema, Schema>)({ req, user, via, params, query, body } as never);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (e) {
      if (opts.tooLarge && e instanceof AppError && e.code === "too_large") return errorResponse(opts.tooLarge());
      return errorResponse(e);
    }
  };
  // Every answer says where its time went inside the server (lib/server-timing).
  const timedHandle = async (req: NextRequest, rawParams: unknown, session: SessionReader) => {
    const t0 = performance.now();
    const { result, timings } = await withTimings(() => handle(req, rawParams, session));
    timings.set("app", performance.now() - t0);
    return setServerTiming(result, timings);
  };
  const handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => timedHandle(req, ctx.params, nextSession);
  const direct = (req: NextRequest, params: Record<string, string>) => timedHandle(req, params, headerSession);
  return Object.assign(handler, { spec: opts as RouteSpec, direct });
}

/**
 * A route that needs no sign-in (invite acceptance: the token in the body is the permission), with
 * the same body limits, content-type check and body parsing as `route`. The route walk lists every such route.
 */
export function publicRoute<BS extends Schema | BodyKind | undefined = undefined>(
  opts: { body?: BS; maxBytes?: number },
  fn: (ctx: { req: NextRequest; body: Out<BS, undefined> }) => Promise<Response | object | null>,
) {
  return async (req: NextRequest) => {
    try {
      const kind = bodyKind(req, opts.body);
      const max = limitOf(opts, kind);
      checkDeclaredLength(req, max);
      assertContentType(req, kind);
      req = await limitBody(req, kind, max);
      const body = typeof opts.body === "object" ? await readJson(req, opts.body, max) : undefined;
      const result = await fn({ req, body: body as Out<BS, undefined> });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/**
 * Bounds what the handler can read: a bodiless route drains at most BODY_LIMITS.none bytes here; an
 * upload's stream is cut at its limit as it is read; JSON is read by readJson under its own limit.
 */
async function limitBody(req: NextRequest, kind: BodyKind, max: number): Promise<NextRequest> {
  if (!req.body) return req;
  if (kind === "none") {
    await readBody(req, max);
    return req;
  }
  if (kind === "upload") return withBodyLimit(req, max, (init) => new NextRequest(req.url, init));
  return req;
}

async function resolveUser(
  req: NextRequest,
  opts: { permission: Permission; scope?: Scope; auth?: "session" | "token" | "either" },
  session: SessionReader,
): Promise<{ user: SessionUser; via: "session" | "token" }> {
  const mode = opts.auth ?? "session";
  const header = req.headers.get("authorization");
  if (mode !== "session" && header?.startsWith("Bearer ")) {
    const user = await timed("auth", () => userForToken(sqlPool(), header.slice(7).trim()));
    if (!user) throw new AppError("unauthorized", "The API token is missing, unknown, expired or revoked.");
    if (!can(user, opts.permission)) throw new AppError("forbidden", `This token's owner does not have the ${opts.permission} permission.`);
    if (!opts.scope || !tokenScopes(user.scopes).has(opts.scope)) throw new AppError("forbidden", `This token does not have the ${opts.scope} scope.`);
    return { user, via: "token" };
  }
  if (mode === "token") throw new AppError("unauthorized", "Send an API token as Authorization: Bearer <token>.");
  const user = await timed("auth", () => session(req));
  if (!user) throw new AppError("unauthorized", "Sign in first.");
  if (!can(user, opts.permission)) throw new AppError("forbidden", "You do not have permission to do that.");
  return { user, via: "session" };
}

export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) {
    // After a 413 the rest of the body is unread: close the connection rather than drain it.
    const headers = e.code === "too_large" ? { connection: "close" } : undefined;
    return NextResponse.json({ error: { code: e.code, message: e.message } }, { status: e.status, headers });
  }
  if (e instanceof ZodError) {
    const issues = e.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = issues[0];
    const message = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "The request is invalid.";
    return NextResponse.json({ error: { code: "bad_request", message, issues } }, { status: 400 });
  }
  console.error("unhandled error in route:", e instanceof Error ? e.stack : e);
  return NextResponse.json({ error: { code: "internal", message: "Something went wrong on our side." } }, { status: 500 });
}

/** Reads a JSON body of at most maxBytes (counted while it streams) and parses it with a zod schema. */
async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = BODY_LIMITS.json): Promise<z.infer<S>> {
  const text = (await readBody(req, maxBytes)).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return schema.parse(body);
}

/** One operation (permission, schemas, handler) that more than one route file serves, e.g. /api/exports and /api/v1/exports. */
export type Operation<PS extends Schema | undefined, QS extends Schema | undefined, BS extends Schema | BodyKind | undefined> = {
  options: RouteOptions<PS, QS, BS>;
  run: Handler<PS, QS, BS>;
};

export function operation<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | BodyKind | undefined = undefined,
>(options: RouteOptions<PS, QS, BS>, run: Handler<PS, QS, BS>): Operation<PS, QS, BS> {
  return { options, run };
}

/** The route handler for an operation, authenticated as `auth` says (the app's routes: "either"; /api/v1: "token"). */
export function serve<PS extends Schema | undefined, QS extends Schema | undefined, BS extends Schema | BodyKind | undefined>(
  op: Operation<PS, QS, BS>,
  auth: "session" | "token" | "either",
): RouteHandler {
  return route({ ...op.options, auth }, op.run);
}
