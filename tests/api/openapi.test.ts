// The generated OpenAPI document (lib/api/openapi.ts): every /api/v1 route file is in it with the
// permission its handler asks for, and its JSON Schemas (z.toJSONSchema of the routes' own zod
// schemas) accept and refuse the same examples as those zod schemas, e.g. the export licence pattern
// the hand-written spec had lost. Validated with an independent JSON Schema validator (ajv).
import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import type { RouteHandler } from "../../lib/http/handler";
import { createExportInput } from "../../lib/validation/export";
import { importQuery } from "../../lib/validation/import";

const { openapiSpec, V1_ROUTES } = await import("../../app/api/v1/openapi.json/document");
const doc = openapiSpec();
type Op = {
  "x-permission": string;
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
};
const paths = doc.paths as Record<string, Record<string, Op>>;

function v1RouteFiles(): { op: string; file: string }[] {
  const root = path.resolve(import.meta.dirname, "../../app/api/v1");
  const out: { op: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name === "route.ts") {
        const apiPath = ("/api/v1/" + path.relative(root, dir).split(path.sep).join("/")).replace(/\/$/, "");
        if (apiPath === "/api/v1/openapi.json") continue;
        for (const m of fs.readFileSync(p, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) out.push({ op: `${m[1]} ${apiPath}`, file: p });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.op.localeCompare(b.op));
}

const ajv = new Ajv({ allErrors: true, unknownFormats: "ignore" });

describe("the generated OpenAPI document", () => {
  it("lists every /api/v1 route file and method, with the permission its handler asks for", async () => {
    const files = v1RouteFiles();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const documented = Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(files.map((f) => f.op.replace(/\[(\w+)\]/g, "{$1}")).sort());
    for (const { op, file } of files) {
      const [method, apiPath] = op.split(" ");
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, RouteHandler>;
      expect(V1_ROUTES[apiPath]?.[method as "GET"], `${op} is missing from V1_ROUTES`).toBe(mod[method]);
      const described = paths[apiPath.replace(/\[(\w+)\]/g, "{$1}")][method.toLowerCase()];
      expect(described["x-permission"], op).toBe(mod[method].spec.permission);
      // every path parameter is described, and required
      for (const [, name] of apiPath.matchAll(/\[(\w+)\]/g))
        expect(described.parameters.find((p) => p.name === name && p.in === "path")?.required, `${op} {${name}}`).toBe(true);
    }
  });

  it("describes the export request with the schema the route parses: the same examples pass and fail (the licence pattern too)", () => {
    const schema = paths["/api/v1/exports"].post.requestBody!.content["application/json"].schema;
    const validate = ajv.compile(schema);
    const examples: [unknown, boolean][] = [
      [{ kind: "sft" }, true],
      [{ kind: "rm", license: "cc-by-4.0", margin: true, validation: 0.2 }, true],
      [{ kind: "rankings", license: "other", projectId: "0f8fad5b-d9cb-469f-a165-70867728950e" }, true],
      [{ kind: "sft", license: "CC BY 4.0" }, false],
      [{ kind: "sft", license: "-mit" }, false],
      [{ kind: "dpo" }, false],
      [{}, false],
      [{ kind: "sft", projectId: "not-an-id" }, false],
      [{ kind: "rm", minAgreement: 1.5 }, false],
      [{ kind: "sft", note: "x".repeat(2001) }, false],
      [{ kind: "sft", excludeFlags: Array.from({ length: 51 }, (_, i) => `f${i}`) }, false],
    ];
    for (const [example, ok] of examples) {
      expect(createExportInput.safeParse(example).success, `zod: ${JSON.stringify(example).slice(0, 80)}`).toBe(ok);
      expect(validate(example), `JSON Schema: ${JSON.stringify(example).slice(0, 80)} ${ajv.errorsText(validate.errors)}`).toBe(ok);
    }
    // the pattern is in the document itself, not only in zod
    expect(JSON.stringify(schema)).toContain("^[a-z0-9][a-z0-9.+-]*$");
  });

  it("describes the import's query parameters as the route parses them", () => {
    const params = paths["/api/v1/projects/{id}/imports"].post.parameters;
    const query = Object.fromEntries(params.filter((p) => p.in === "query").map((p) => [p.name, p]));
    expect(Object.keys(query).sort()).toEqual(["fileName", "format", "kind", "layout"]);
    expect(query.kind.required && query.format.required && !query.fileName.required).toBe(true);
    for (const [example, ok] of [
      [{ kind: "prompts", format: "jsonl" }, true],
      [{ kind: "answers", format: "csv", fileName: "a.csv" }, true],
      [{ kind: "labels", format: "jsonl" }, false],
      [{ kind: "prompts", format: "xml" }, false],
    ] as [Record<string, string>, boolean][]) {
      const jsonOk = Object.entries(query).every(([name, p]) => (example[name] === undefined ? !p.required : ajv.validate(p.schema, example[name]) === true));
      expect(importQuery.safeParse(example).success, JSON.stringify(example)).toBe(ok);
      expect(jsonOk, JSON.stringify(example)).toBe(ok);
    }
    // a malformed project id fails the path parameter's schema, as the route's params schema refuses it (404)
    const id = params.find((p) => p.in === "path" && p.name === "id")!;
    expect(ajv.validate(id.schema, "not-an-id")).toBe(false);
    expect(ajv.validate(id.schema, "0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(true);
  });
});
