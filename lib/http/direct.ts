// The labeler's hot routes, answered by the web server's node:http handler before Next.js sees the
// request (scripts/web-server.ts). Next.js spends more CPU on an API request than the route itself
// does: sent one at a time, a request it refuses with 401 before any SQL cost its server 2.6 ms of
// CPU, a whole next-task 3.4 ms (README "Benchmarks"). A labeler's loop is these few routes, called
// once or twice per task by every labeler at once, and that framework cost was most of the queue's
// tail under load.
//
// Nothing about a route changes: the table names route files under app/api, and each is served by
// its own handler from `route()` (lib/http/handler.ts): the same permission, token scope, body
// limits, same-origin and content-type checks, zod schemas and error answers. The session cookie is
// read from the request's headers (lib/auth/session-cookie.ts), which is what getCurrentUser reads
// through next/headers. The response headers Next.js would add to an API answer are read from
// next.config.js's own `headers()` rules. A request the table does not match exactly (another
// method, a trailing slash, an encoded path) goes to Next.js as before. DIRECT_ROUTES=0 turns the
// table off.
//
// The route modules are loaded here a second time (in the web server's bundle, beside Next.js's bundle of them), so
// module-level state exists twice. The database pool does not: it lives on globalThis (lib/db.ts). A
// cache kept in a module these routes reach would, and a change one copy makes would not reach the
// other: keep such state in the database or on globalThis.
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { NextRequest } from "next/server";
import type { RouteHandler } from "./handler";

/**
 * The routes answered directly, each with its route file under app/ (`[id]`: one path segment).
 * The imports are written out, not made from the line: the web server runs as one bundle
 * (lib/child-bundle.mjs), and a bundler follows only an import it can read.
 */
const DIRECT_ROUTE_MODULES = {
  "POST /api/queue/next": () => import("../../app/api/queue/next/route"),
  "POST /api/tasks/ranking": () => import("../../app/api/tasks/ranking/route"),
  "POST /api/tasks/demonstration": () => import("../../app/api/tasks/demonstration/route"),
  "POST /api/tasks/skip": () => import("../../app/api/tasks/skip/route"),
  "POST /api/assignments/[id]/renew": () => import("../../app/api/assignments/[id]/renew/route"),
  "POST /api/assignments/[id]/release": () => import("../../app/api/assignments/[id]/release/route"),
} satisfies Record<string, () => Promise<object>>;

export type DirectRoute = keyof typeof DIRECT_ROUTE_MODULES;
export const DIRECT_ROUTES = Object.keys(DIRECT_ROUTE_MODULES) as DirectRoute[];

/** The module of a direct route's file (for the test that checks the table against the files). */
export const directRouteModule = (line: DirectRoute): Promise<object> => DIRECT_ROUTE_MODULES[line]();

type Entry = { method: string; segments: string[]; handler: RouteHandler };
export type DirectMatch = { handler: RouteHandler; params: Record<string, string> };

/** A `headers()` rule of next.config.js: only the forms the config uses are understood (others throw at start). */
type HeaderRule = {
  source: string;
  headers: { key: string; value: string }[];
  has?: { type: string; key: string; value?: string }[];
};

export type DirectRoutes = {
  match(req: IncomingMessage): DirectMatch | null;
  serve(m: DirectMatch, req: IncomingMessage, res: ServerResponse): Promise<void>;
};

/** Loads each route's module (the app's root: where app/ and next.config.js are) and the API's response headers. */
export async function loadDirectRoutes(root: string): Promise<DirectRoutes> {
  const entries: Entry[] = [];
  for (const line of DIRECT_ROUTES) {
    const [method, route] = line.split(" ") as [string, string];
    const mod = (await directRouteModule(line)) as Record<string, RouteHandler | undefined>;
    const handler = mod[method];
    if (typeof handler?.direct !== "function") throw new Error(`${line}: the route file exports no ${method} made with route().`);
    entries.push({ method, segments: route.split("/"), handler });
  }
  const config = (await import(pathToFileURL(path.join(root, "next.config.js")).href)) as { default: { headers?: () => Promise<HeaderRule[]> } };
  const rules = ((await config.default.headers?.()) ?? []).map(compileRule);

  return {
    match(req) {
      const url = req.url ?? "";
      const q = url.indexOf("?");
      const segments = (q < 0 ? url : url.slice(0, q)).split("/");
      for (const e of entries) {
        if (e.method !== req.method || e.segments.length !== segments.length) continue;
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < segments.length && ok; i++) {
          const want = e.segments[i]!;
          const got = segments[i]!;
          if (want.startsWith("[")) {
            // a parameter: one plain segment; anything Next.js would decode first goes to Next.js
            ok = got.length > 0 && !got.includes("%");
            params[want.slice(1, -1)] = got;
          } else ok = want === got;
        }
        if (ok) return { handler: e.handler, params };
      }
      return null;
    },

    async serve({ handler, params }, req, res) {
      try {
        const answer = await handler.direct(toRequest(req), params);
        res.statusCode = answer.status;
        for (const [key, value] of answer.headers) if (key !== "set-cookie") res.setHeader(key, value);
        // says which way the request went (a metric without a value: bench:queue and devtools show it)
        res.setHeader("server-timing", [answer.headers.get("server-timing"), "direct"].filter(Boolean).join(", "));
        const cookies = answer.headers.getSetCookie();
        if (cookies.length) res.setHeader("set-cookie", cookies);
        for (const h of headersFor(rules, req)) res.setHeader(h.key, h.value);
        res.end(Buffer.from(await answer.arrayBuffer()));
      } catch (e) {
        // The handler maps every error to an answer; this is a failure to read the request or write the answer.
        console.error("direct route failed:", e instanceof Error ? e.stack : e);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side." } }));
        } else res.destroy();
      }
    },
  };
}

/** The node request as the NextRequest a route handler takes; the body streams through unread. */
function toRequest(req: IncomingMessage): NextRequest {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  const body = req.method === "GET" || req.method === "HEAD" ? null : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
  return new NextRequest(url, { method: req.method, headers, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
}

/** A header rule ready to apply: its path prefix, and each condition's header with its value's pattern (null: present). */
type CompiledRule = { prefix: string; has: { key: string; value: RegExp | null }[]; headers: { key: string; value: string }[] };

/**
 * Only sources of the form `/prefix/:path*` and header conditions are used by next.config.js; anything
 * else is refused at start. A condition's value is a regular expression over the whole value, as Next.js reads it.
 */
function compileRule(r: HeaderRule): CompiledRule {
  if (!/^(\/[\w-]+)*\/:path\*$/.test(r.source))
    throw new Error(`next.config.js header rule ${r.source}: direct routes understand only "/prefix/:path*" sources.`);
  const has = (r.has ?? []).map((h) => {
    if (h.type !== "header") throw new Error(`next.config.js header rule ${r.source}: direct routes understand only "header" conditions.`);
    return { key: h.key.toLowerCase(), value: h.value === undefined ? null : new RegExp(`^(?:${h.value})$`) };
  });
  return { prefix: r.source.slice(0, -"/:path*".length), has, headers: r.headers };
}

/** The headers next.config.js's rules give a request's answer, in the order Next.js applies them. */
function headersFor(rules: CompiledRule[], req: IncomingMessage): { key: string; value: string }[] {
  const pathname = (req.url ?? "/").split("?")[0]!;
  const out: { key: string; value: string }[] = [];
  for (const r of rules) {
    if (r.prefix && pathname !== r.prefix && !pathname.startsWith(`${r.prefix}/`)) continue;
    const holds = r.has.every((h) => {
      const raw = req.headers[h.key];
      const v = Array.isArray(raw) ? raw.join(", ") : raw;
      return v !== undefined && (h.value === null || h.value.test(v));
    });
    if (holds) out.push(...r.headers);
  }
  return out;
}
