// The import-boundary rules of eslint.config.mjs: each layer imports only downward, and components
// reach server modules as types only. Linted as text at a path inside each layer.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The type-aware rules need files in the TypeScript project; these probes are text only.
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off" },
  },
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => /restricted-imports/.test(m.ruleId ?? "")).map((m) => m.message);
}

describe("layer boundaries", () => {
  it("ml/ never imports lib/, app/ or components/", async () => {
    expect(await boundaryErrors("ml/probe.ts", 'import { env } from "../lib/env";\nexport const x = env;\n')).toHaveLength(1);
    expect(await boundaryErrors("ml/probe.ts", 'import { RULES } from "./autodiff/rules";\nexport const x = RULES;\n')).toEqual([]);
  });

  it("lib/ never imports app/ or components/", async () => {
    expect(await boundaryErrors("lib/probe.ts", 'import { RunView } from "@/components/runs/run-view";\nexport const x = RunView;\n')).toHaveLength(1);
  });

  it("lib/ reaches ml/ only through its entries: ml/index.ts, ml/light.ts, ml/browser.ts", async () => {
    const deep = [
      'import { trainPPO } from "../../ml/rlhf/ppo-trainer";',
      'import { paramCount } from "@/ml/model/config";',
      'import type { RLProgress } from "../../ml/rlhf/progress";',
    ];
    for (const line of deep)
      expect(await boundaryErrors("lib/runs/probe.ts", `${line}\nexport const x = 1;\n`), line).toEqual([expect.stringContaining("ml/light.ts")]);
    for (const entry of ["index", "light", "browser"])
      expect(await boundaryErrors("lib/runs/probe.ts", `import { PRESETS } from "../../ml/${entry}";\nexport const x = PRESETS;\n`)).toEqual([]);
  });

  it("app/ reaches ml/ only through ml/light.ts or ml/browser.ts (the web server never loads the engine)", async () => {
    expect(await boundaryErrors("app/probe/page.tsx", 'import { paramCount } from "@/ml/model/config";\nexport const x = paramCount;\n')).toHaveLength(1);
    expect(await boundaryErrors("app/probe/page.tsx", 'import { trainPPO } from "@/ml/index";\nexport const x = trainPPO;\n')).toHaveLength(1);
    expect(await boundaryErrors("app/probe/page.tsx", 'import { paramCount } from "@/ml/light";\nexport const x = paramCount;\n')).toEqual([]);
  });

  it("components import a server module as a type only", async () => {
    const value = 'import { getRun } from "@/lib/runs/queries";\nexport const x = getRun;\n';
    const typeOnly = 'import type { RunDetail } from "@/lib/runs/queries";\nexport type X = RunDetail;\n';
    expect(await boundaryErrors("components/probe.tsx", value)).toEqual([expect.stringContaining("server module")]);
    expect(await boundaryErrors("components/probe.tsx", typeOnly)).toEqual([]);
  });

  it("components reach the engine only through ml/browser.ts (Node-free)", async () => {
    const deep = 'import { Session } from "@/ml/runtime/session";\nexport const x = Session;\n';
    const browser = 'import { TRAIN_FIELDS } from "@/ml/browser";\nexport const x = TRAIN_FIELDS;\n';
    const light = 'import { validateModelFolder } from "@/ml/light";\nexport const x = validateModelFolder;\n';
    expect(await boundaryErrors("components/probe.tsx", deep)).toHaveLength(1);
    expect(await boundaryErrors("components/probe.tsx", light)).toHaveLength(1);
    expect(await boundaryErrors("components/probe.tsx", browser)).toEqual([]);
  });
});
