import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { childEnv } from "../../lib/child-env";
import { decryptSecrets, encryptSecrets, runSecretsKey } from "../../lib/runs/secrets";

const parentEnv = {
  PATH: "/usr/bin:/bin",
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://app@db/rlhf",
  NEXTAUTH_SECRET: "the-session-signing-secret",
  INFERENCE_SECRET: "the-inference-secret",
  ADMIN_PASSWORD: "first admin password",
  WORKER_POLL_MS: "300",
  INFERENCE_THREADS: "2",
  AWS_SECRET_ACCESS_KEY: "someone else's",
};

describe("child process environment", () => {
  it("is an allow-list: secrets and unknown variables stay behind, what children use goes through", () => {
    const env = childEnv({}, parentEnv);
    expect(env).toEqual({
      PATH: "/usr/bin:/bin",
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://app@db/rlhf",
      WORKER_POLL_MS: "300",
      INFERENCE_THREADS: "2",
    });
    expect(childEnv({ RUN_SECRETS_KEY: "k" }, parentEnv).RUN_SECRETS_KEY).toBe("k");
  });

  it("a child started with it does not see NEXTAUTH_SECRET", () => {
    const r = spawnSync(process.execPath, ["-e", "process.stdout.write(JSON.stringify(Object.keys(process.env)))"], {
      env: childEnv({}, { ...process.env, NEXTAUTH_SECRET: "the-session-signing-secret", INFERENCE_SECRET: "x" }),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const keys = JSON.parse(r.stdout) as string[];
    expect(keys).toContain("PATH");
    expect(keys).not.toContain("NEXTAUTH_SECRET");
    expect(keys).not.toContain("INFERENCE_SECRET");
  });

  it("every child process lib/ starts gets the allow-listed environment, never a copy of ours", () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "generated" ? [] : files(p);
        return /\.tsx?$/.test(e.name) ? [p] : [];
      });
    const spawners = files(path.resolve("lib")).filter((f) => /from "(node:)?child_process"/.test(fs.readFileSync(f, "utf8")));
    // Two spawners: lib/child-process.ts, through which the web server starts every child of its own
    // (the export and ONNX-export children among them), and the embedded database's initdb, which
    // runs before any of the app does (lib/db/embedded.ts). Both pass the allow-list.
    expect(spawners.map((f) => path.relative(path.resolve("lib"), f)).sort()).toEqual(["child-process.ts", "db/embedded.ts"]);
    for (const user of ["exports/stream-process.ts", "models/onnx.ts"]) expect(fs.readFileSync(path.resolve("lib", user), "utf8"), user).toMatch(/runChild\(/);
    for (const f of spawners) {
      const src = fs.readFileSync(f, "utf8");
      expect(src, f).toMatch(/env: childEnv\(/);
      expect(src, f).not.toMatch(/\.\.\.process\.env/);
    }
  });

  it("a worker decrypts run secrets with the derived key alone", () => {
    const stored = encryptSecrets({ apiKey: "sk-123" });
    const before = process.env.RUN_SECRETS_KEY;
    process.env.RUN_SECRETS_KEY = runSecretsKey();
    try {
      expect(decryptSecrets(stored)).toEqual({ apiKey: "sk-123" });
      process.env.RUN_SECRETS_KEY = runSecretsKey("another server secret");
      expect(() => decryptSecrets(stored)).toThrow(/cannot be decrypted/);
    } finally {
      if (before === undefined) delete process.env.RUN_SECRETS_KEY;
      else process.env.RUN_SECRETS_KEY = before;
    }
  });
});
