// The OpenAPI 3.1 document of /api/v1, generated from the routes themselves: each route() keeps its
// options (permission, path/query/body zod schemas, doc) on its handler, and z.toJSONSchema turns the
// schemas into the document's. Nothing here restates a field: a change to a schema is a change to the document.
import { z } from "zod";
import type { RouteHandler, RouteSpec } from "../http/handler";
import { errorBody } from "./schemas";

export type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", RouteHandler>>;

type JsonSchema = { properties?: Record<string, object>; required?: string[]; [k: string]: unknown };

/** JSON Schema (2020-12, as OpenAPI 3.1 takes it) of what a client sends (`io: "input"`: defaults make fields optional) or gets. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const s = jsonSchema(schema, "input");
  return Object.entries(s.properties ?? {}).map(([name, p]) => {
    const { description, ...schemaOnly } = p as { description?: string };
    return { name, in: where, required: where === "path" || (s.required ?? []).includes(name), ...(description ? { description } : {}), schema: schemaOnly };
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: "The request is invalid (one sentence, with the field paths)",
  401: "No token, or a missing, unknown, expired or revoked one",
  403: "The token's scopes or its owner's role lack the operation's permission",
  404: "No such record (a malformed id too)",
  409: "The record is in a state that refuses this",
  413: "The body is over the route's limit",
  415: "The body's content type is not one the route reads",
  422: "The input is well-formed but cannot be used",
  503: "A service the operation needs is not running",
};

function operation(spec: RouteSpec) {
  const doc = spec.doc;
  if (!doc) throw new Error("An /api/v1 route needs a doc (operationId, summary, tags) in its route() options.");
  const hasBody = spec.body !== undefined && spec.body !== "none";
  const codes = new Set<number>([
    401,
    403,
    ...(spec.params ? [404] : []),
    ...(spec.query || hasBody ? [400] : []),
    ...(hasBody ? [413] : []),
    ...(doc.errors ?? []),
  ]);
  const ok = doc.responseContent
    ? { description: doc.summary, ...(doc.responseHeaders ? { headers: doc.responseHeaders } : {}), content: doc.responseContent }
    : { description: doc.summary, content: { "application/json": { schema: doc.response ? jsonSchema(doc.response, "output") : { type: "object" } } } };
  const body =
    typeof spec.body === "object"
      ? { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } }
      : doc.requestContent
        ? { required: true, content: doc.requestContent }
        : undefined;
  return {
    tags: doc.tags,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    "x-permission": spec.permission,
    ...(spec.scope ? { "x-scope": spec.scope, security: [{ bearerAuth: [spec.scope] }] } : {}),
    parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
    ...(body ? { requestBody: body } : {}),
    responses: {
      [String(doc.status ?? 200)]: ok,
      ...Object.fromEntries([...codes].sort().map((c) => [String(c), { $ref: "#/components/responses/Error", description: STATUS_TEXT[c] }])),
    },
  };
}

/** "/api/v1/exports/[id]" → "/api/v1/exports/{id}". */
const openapiPath = (p: string) => p.replace(/\[(\w+)\]/g, "{$1}");

export function openapiDocument(routes: Record<string, RouteModule>, info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const [p, mod] of Object.entries(routes)) {
    for (const [method, handler] of Object.entries(mod)) {
      if (!handler?.spec) continue;
      const op = operation(handler.spec);
      op.tags.forEach((t) => tags.add(t));
      (paths[openapiPath(p)] ??= {})[method.toLowerCase()] = op;
    }
  }
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token, rlhf_…" } },
      responses: {
        Error: { description: "An error, with a one-sentence message", content: { "application/json": { schema: jsonSchema(errorBody, "output") } } },
      },
    },
  };
}
