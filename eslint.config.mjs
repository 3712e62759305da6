import fs from "node:fs";
import path from "node:path";
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Server modules are the lib/ files that import "server-only"; components may import them as types only.
function serverModules(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated") out.push(...serverModules(file));
    } else if (/\.tsx?$/.test(entry.name) && /^import ["']server-only["'];?$/m.test(fs.readFileSync(file, "utf8"))) {
      out.push(file.replace(/\.tsx?$/, ""));
    }
  }
  return out;
}
const SERVER_MODULES = serverModules("lib");

/** Import patterns, relative or through the @/ alias, for folders a layer must not reach. */
const layer = (...dirs) => dirs.flatMap((d) => [`@/${d}/*`, `**/${d}/*`]);

/** Import patterns for any module of ml/ but the given entries (ml/index, ml/light, ml/browser). */
const mlExcept = (...entries) => ["@/ml/*", "**/ml/*", ...entries.flatMap((e) => [`!@/ml/${e}`, `!**/ml/${e}`])];

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".data/", ".runs/", ".gpu/", "lib/generated/", "next-env.d.ts", "coverage/", "stubs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  // Type-aware rules: a promise nobody awaits or handles, or one passed where a void callback is expected.
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // a test's local HTTP server answers with an async handler; an error there fails the test anyway
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }] },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
    },
  },
  // Layers: app → components → lib → ml, imports only downward.
  {
    files: ["ml/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: layer("lib", "app", "components", "scripts"), message: "ml/ is the engine: it never imports the app's layers." }] },
      ],
    },
  },
  // ml/ has two public entries: ml/index.ts (the engine, which loads onnxruntime-node) and ml/light.ts (no onnxruntime:
  // tables, config checks, the estimate, model folders), whose Node-free part ml/browser.ts is for code the browser runs too.
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: layer("app", "components"), message: "lib/ is below app/ and components/." },
            {
              group: mlExcept("index", "light", "browser"),
              message:
                "lib/ reaches the engine through ml/index.ts, or ml/light.ts where onnxruntime must not load (ml/browser.ts in code the browser runs too).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: mlExcept("light", "browser"),
              message: "app/ is the web server: it reaches the engine only through ml/light.ts (no onnxruntime) or ml/browser.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: SERVER_MODULES.flatMap((m) => [`@/${m}`]).map((name) => ({
            name,
            allowTypeImports: true,
            message: "a server module: components import it as a type only.",
          })),
          patterns: [
            { group: layer("app"), message: "components/ is below app/." },
            {
              group: mlExcept("browser"),
              allowTypeImports: true,
              message: "components import the engine only through ml/browser.ts (Node-free).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
