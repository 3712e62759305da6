// One table of environment variables (lib/env.ts): code reads them through envVar, a bad value is
// one sentence, and the README documents exactly the table.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkEnv, ENV, envVar, ML_ENV } from "../../lib/env";
import { repoRoot as root, sourceFiles } from "../helpers/source-files";

const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const known = new Set([...Object.keys(ENV), ...Object.keys(ML_ENV)]);

describe("the environment table", () => {
  it("types each variable and says in one sentence what is wrong", () => {
    expect(envVar("WORKERS", {})).toBe(1);
    expect(envVar("WORKERS", { WORKERS: "3" })).toBe(3);
    expect(envVar("EXPORT_CONCURRENCY", { EXPORT_CONCURRENCY: "" })).toBe(2);
    expect(() => envVar("WORKERS", { WORKERS: "-1" })).toThrow(
      'Configuration error: WORKERS must be a whole number of worker processes (0 for none), not "-1".',
    );
    expect(() => envVar("MODEL_UPLOAD_MAX_BYTES", { MODEL_UPLOAD_MAX_BYTES: "lots" })).toThrow("MODEL_UPLOAD_MAX_BYTES must be a number of bytes");
    expect(() => envVar("NEXTAUTH_SECRET", { NEXTAUTH_SECRET: "short" })).toThrow('NEXTAUTH_SECRET must be at least 16 characters, not "…".');
    expect(() => checkEnv("worker", { RUN_HEARTBEAT_MS: "0" })).toThrow("RUN_HEARTBEAT_MS must be a number of milliseconds");
    // a web-only variable does not stop a worker
    expect(() => checkEnv("worker", { EXPORT_CONCURRENCY: "zero" })).not.toThrow();
    expect(() => checkEnv("web", { EXPORT_CONCURRENCY: "zero" })).toThrow("EXPORT_CONCURRENCY");
  });

  it("takes the documented first-admin address, admin@localhost, when it is set explicitly", () => {
    expect(envVar("ADMIN_EMAIL", { ADMIN_EMAIL: "admin@localhost" })).toBe("admin@localhost");
    expect(envVar("ADMIN_EMAIL", { ADMIN_EMAIL: "lead@lab.example" })).toBe("lead@lab.example");
    expect(() => envVar("ADMIN_EMAIL", { ADMIN_EMAIL: "admin" })).toThrow("ADMIN_EMAIL must be an email address");
    expect(() => envVar("ADMIN_EMAIL", { ADMIN_EMAIL: "a b@localhost" })).toThrow("ADMIN_EMAIL must be an email address");
  });

  it("is the only place the app reads variables", () => {
    // lib/env.ts is the table; child-env.ts passes variables on by name; client-ip.ts reads TRUST_PROXY, checked by the table with the same parser (lib/http/trust-proxy.ts);
    // the GPU setup tools run before the app exists. ml/ reads only ML_ENV's knobs (it never imports lib/).
    const exempt = new Set(["lib/env.ts", "lib/child-env.ts", "lib/auth/client-ip.ts", "scripts/gpu-setup.ts", "scripts/gpu-check.ts"]);
    const stray: string[] = [];
    for (const file of [...["lib", "app", "components", "scripts", "ml"].flatMap(sourceFiles), "proxy.ts"]) {
      if (exempt.has(file)) continue;
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const m of text.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)(\s*\??=(?!=))?/g)) {
        const [, name, write] = m;
        if (write) continue; // npm start sets its children's variables
        if (file.startsWith("ml/") ? !(name in ML_ENV) : true) stray.push(`${file}: ${name}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it("is what the README documents", () => {
    const missing = [...known].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
    const rows = [...section.matchAll(/^\| ((?:`[A-Z_0-9]+`(?:, )?)+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Z_0-9]+)`/g)].map((x) => x[1]));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((name) => !known.has(name))).toEqual([]);
  });
});
