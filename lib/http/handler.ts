// Route handlers are thin: `route({ permission }, fn)` authenticates (session cookie or, for
// /api/v1, a bearer token), checks the permission, runs fn, and maps errors in one place.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type z } from "zod";
import { userForToken } from "../auth/api-tokens";
import type { SessionUser } from "../auth/authenticate";
import { getCurrentUser } from "../auth/current-user";
import { can, type Permission } from "../auth/permissions";
import { sqlPool } from "../db";
import { AppError } from "../errors";

export type RouteContext<P> = { req: NextRequest; user: SessionUser; params: P };

type Options = {
  /** The permission this route needs. */
  permission: Permission;
  /** "session" (browser), "token" (Authorization: Bearer), or "either". */
  auth?: "session" | "token" | "either";
};

export function route<P = Record<string, string>>(
  opts: Options,
  fn: (ctx: RouteContext<P>) => Promise<Response | object | null>,
) {
  return async (req: NextRequest, ctx: { params: Promise<P> }) => {
    try {
      const user = await resolveUser(req, opts);
      const result = await fn({ req, user, params: await ctx.params });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

async function resolveUser(req: NextRequest, opts: Options): Promise<SessionUser> {
  const mode = opts.auth ?? "session";
  const header = req.headers.get("authorization");
  if (mode !== "session" && header?.startsWith("Bearer ")) {
    const user = await userForToken(sqlPool(), header.slice(7).trim());
    if (!user) throw new AppError("unauthorized", "The API token is missing, unknown, expired or revoked.");
    if (!can(user, opts.permission) || !user.scopes.includes(opts.permission))
      throw new AppError("forbidden", `This token does not have the ${opts.permission} permission.`);
    return user;
  }
  if (mode === "token") throw new AppError("unauthorized", "Send an API token as Authorization: Bearer <token>.");
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized", "Sign in first.");
  if (!can(user, opts.permission)) throw new AppError("forbidden", "You do not have permission to do that.");
  return user;
}

export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) {
    return NextResponse.json({ error: { code: e.code, message: e.message } }, { status: e.status });
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

/** Reads a JSON body of at most maxBytes and parses it with a zod schema. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = 1_000_000): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("too_large", `The request body is larger than ${maxBytes} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new AppError("too_large", `The request body is larger than ${maxBytes} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return schema.parse(body);
}
