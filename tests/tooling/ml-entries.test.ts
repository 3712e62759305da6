// ml/'s two public entries: ml/index.ts, the engine, loads onnxruntime-node; ml/light.ts (tables,
// config checks, the estimate, model folders, ONNX export) never does, and its browser part,
// ml/browser.ts, imports no node: module. The web server's code reaches only the light entry, so
// serving a page, checking a form or importing a model never starts the native engine.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot as root, sourceFiles } from "../helpers/source-files";

const ORT = "ml/runtime/ort.ts";

/** The onnxruntime-node modules a fresh Node process has loaded after importing `entry`. */
async function ortLoadedBy(entry: string): Promise<string[]> {
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(path.join(root, entry))});
    const cache = createRequire(${JSON.stringify(root + "/")}).cache;
    console.log(JSON.stringify(Object.keys(cache).filter((f) => f.includes("onnxruntime-node"))));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as string[];
}

/** A module's value imports (static, re-exports and import()), resolved to repository paths; bare specifiers as they are. */
function valueImports(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c && (c.isTypeOnly || (!c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return specs.map((s) => {
    const base = s.startsWith("@/") ? path.join(root, s.slice(2)) : s.startsWith(".") ? path.resolve(path.dirname(path.join(root, file)), s) : null;
    if (!base) return s;
    const hit = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")].find(
      (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
    );
    return hit ? path.relative(root, hit) : s;
  });
}

/** Every module `entries` reach through value imports, each with the module that first imported it. */
function importGraph(entries: readonly string[]): Map<string, string> {
  const from = new Map<string, string>(entries.map((e) => [e, ""]));
  const todo = [...entries];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (!/\.tsx?$/.test(file)) continue;
    for (const dep of valueImports(file))
      if (!from.has(dep)) {
        from.set(dep, file);
        todo.push(dep);
      }
  }
  return from;
}

/** How `graph` reached `file`: "file <- importer <- ... <- entry". */
function chain(graph: Map<string, string>, file: string): string {
  const out = [file];
  for (let f = graph.get(file); f; f = graph.get(f)) out.push(f);
  return out.join(" <- ");
}

describe("ml/'s entries", () => {
  it("ml/light.ts loads no onnxruntime-node in a fresh process; ml/index.ts does", async () => {
    const [light, engine] = await Promise.all([ortLoadedBy("ml/light.ts"), ortLoadedBy("ml/index.ts")]);
    expect(light).toEqual([]);
    expect(engine.length).toBeGreaterThan(0); // the check sees the engine when it is there
  }, 60_000);

  it("ml/browser.ts reaches no node: module and no onnxruntime (a browser bundle loads it)", () => {
    const graph = importGraph(["ml/browser.ts"]);
    const native = [...graph.keys()].filter((f) => f.startsWith("node:") || f.includes("onnxruntime") || f === ORT);
    expect(native.map((f) => chain(graph, f))).toEqual([]);
  });

  it("the web server's code (app/, proxy.ts, scripts/web-server.ts) never reaches the engine's runtime", () => {
    const graph = importGraph([...sourceFiles("app"), "proxy.ts", "scripts/web-server.ts"]);
    expect(graph.has("ml/light.ts")).toBe(true); // the walk follows app → lib → ml
    expect(graph.has(ORT) ? chain(graph, ORT) : null).toBeNull();
  });
});
