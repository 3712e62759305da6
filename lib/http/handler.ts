// Route handlers are thin: `route({ permission }, fn)` authenticates (session cookie or, for
// /api/v1, a bearer token), checks the permission, runs fn, and maps errors in one place. It also
// holds the request-level defences in one place: the body limit of the route's kind (lib/http/body),
// and for cookie-authenticated writes the same-origin and content-type checks (lib/http/same-origin).
import "server-only";
import { NextRequest, NextResponse } from "next/server";
import { ZodError, type z } from "zod";
import { userForToken } from "../auth/api-tokens";
import type { SessionUser } from "../auth/authenticate";
import { getCurrentUser } from "../auth/current-user";
import { can, type Permission } from "../auth/permissions";
import { sqlPool } from "../db";
import { AppError } from "../errors";
import { BODY_LIMITS, checkDeclaredLength, readBody, withBodyLimit, type BodyKind } from "./body";
import { assertContentType, assertSameOrigin, isWrite } from "./same-origin";

export type RouteContext<P> = { req: NextRequest; user: SessionUser; params: P };

type Options = {
  /** The permission this route needs. */
  permission: Permission;
  /** "session" (browser), "token" (Authorization: Bearer), or "either". */
  auth?: "session" | "token" | "either";
  /** What the route reads as its body: "json" (the default for writes), "upload" or "none". */
  body?: BodyKind;
  /** A larger limit than BODY_LIMITS[body] for this route (model uploads: MODEL_UPLOAD_MAX_BYTES). */
  maxBytes?: () => number;
  /** The route's own 413 sentence for a body over maxBytes (what to do instead). */
  tooLarge?: () => AppError;
};

const bodyKind = (req: Request, kind?: BodyKind): BodyKind => kind ?? (isWrite(req.method) && req.method !== "DELETE" ? "json" : "none");

export function route<P = Record<string, string>>(
  opts: Options,
  fn: (ctx: RouteContext<P>) => Promise<Response | object | null>,
) {
  return async (req: NextRequest, ctx: { params: Promise<P> }) => {
    try {
      const kind = bodyKind(req, opts.body);
      const max = opts.maxBytes?.() ?? BODY_LIMITS[kind];
      checkDeclaredLength(req, max);
      const { user, via } = await resolveUser(req, opts);
      if (via === "session") {
        assertSameOrigin(req);
        assertContentType(req, kind);
      }
      req = await limitBody(req, kind, max);
      const result = await fn({ req, user, params: await ctx.params });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (e) {
      if (opts.tooLarge && e instanceof AppError && e.code === "too_large") return errorResponse(opts.tooLarge());
      return errorResponse(e);
    }
  };
}

/**
 * A route that needs no sign-in (invite acceptance: the token in the body is the permission), with
 * the same body limits and content-type check as `route`. The route walk lists every such route.
 */
export function publicRoute<P = Record<string, string>>(
  opts: { body?: BodyKind },
  fn: (ctx: { req: NextRequest; params: P }) => Promise<Response | object | null>,
) {
  return async (req: NextRequest, ctx: { params: Promise<P> }) => {
    try {
      const kind = bodyKind(req, opts.body);
      checkDeclaredLength(req, BODY_LIMITS[kind]);
      assertContentType(req, kind);
      req = await limitBody(req, kind, BODY_LIMITS[kind]);
      const result = await fn({ req, params: await ctx.params });
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

async function resolveUser(req: NextRequest, opts: Options): Promise<{ user: SessionUser; via: "session" | "token" }> {
  const mode = opts.auth ?? "session";
  const header = req.headers.get("authorization");
  if (mode !== "session" && header?.startsWith("Bearer ")) {
    const user = await userForToken(sqlPool(), header.slice(7).trim());
    if (!user) throw new AppError("unauthorized", "The API token is missing, unknown, expired or revoked.");
    if (!can(user, opts.permission) || !user.scopes.includes(opts.permission))
      throw new AppError("forbidden", `This token does not have the ${opts.permission} permission.`);
    return { user, via: "token" };
  }
  if (mode === "token") throw new AppError("unauthorized", "Send an API token as Authorization: Bearer <token>.");
  const user = await getCurrentUser();
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
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = BODY_LIMITS.json): Promise<z.infer<S>> {
  const text = (await readBody(req, maxBytes)).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return schema.parse(body);
}
