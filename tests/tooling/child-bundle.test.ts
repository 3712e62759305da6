import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childBundle } from "../../lib/child-bundle.mjs";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "child-bundle-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) => fs.writeFileSync(path.join(root, file), text);
const run = (bundle: string) => execFileSync(process.execPath, [bundle], { encoding: "utf8" }).trim();

describe("childBundle", () => {
  write("greeting.ts", `export const greeting: string = "one";\n`);
  write("main.ts", `import { greeting } from "./greeting";\nconst shout = (s: string): string => s.toUpperCase();\nconsole.log(shout(greeting));\n`);

  it("runs a TypeScript script and what it imports on plain Node, and rebuilds only when a source changes", async () => {
    const bundle = await childBundle(root, "main.ts");
    expect(path.relative(root, bundle)).toBe(path.join("node_modules", ".cache", "rlhf-studio", "children", "main.mjs"));
    expect(run(bundle)).toBe("ONE");

    const builtAt = fs.statSync(bundle).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await childBundle(root, "main.ts")).toBe(bundle);
    expect(fs.statSync(bundle).mtimeMs).toBe(builtAt); // fresh: not rebuilt

    write("greeting.ts", `export const greeting: string = "two";\n`); // an imported module edited
    expect(run(await childBundle(root, "main.ts"))).toBe("TWO");
  });

  it("keeps each module's import.meta place, a lazy import's packages lazy, and a package's file imported without its extension", async () => {
    fs.mkdirSync(path.join(root, "node_modules", "loud"), { recursive: true });
    write("node_modules/loud/package.json", `{ "name": "loud", "type": "module" }\n`); // no "exports": Node wants file extensions
    write("node_modules/loud/voice.js", `console.log("package loaded");\nexport const voice = "loud";\n`);
    fs.mkdirSync(path.join(root, "sub"), { recursive: true });
    write(
      "sub/lazy.ts",
      `import { voice } from "loud/voice";\nexport const where = [import.meta.dirname, new URL("./x.ts", import.meta.url).pathname, voice];\n`,
    );
    write("lazy-main.ts", `console.log("started");\nconst { where } = await import("./sub/lazy");\nconsole.log(JSON.stringify(where));\n`);
    const bundle = await childBundle(root, "lazy-main.ts");
    const [started, loaded, where] = run(bundle).split("\n");
    expect([started, loaded]).toEqual(["started", "package loaded"]); // the package loads with the import that needs it, not before
    expect(JSON.parse(where!)).toEqual([path.join(root, "sub"), path.join(root, "sub", "x.ts"), "loud"]);
  });

  it("rebuilds when the bundle was deleted, and fails on a source that does not compile", async () => {
    fs.rmSync(await childBundle(root, "main.ts"));
    expect(run(await childBundle(root, "main.ts"))).toBe("TWO");
    write("broken.ts", `const x: = 1;\n`);
    await expect(childBundle(root, "broken.ts")).rejects.toThrow(/Expected|Unexpected/);
  });
});
