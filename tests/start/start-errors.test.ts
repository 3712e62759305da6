// npm start refuses bad configuration with one sentence, before building or serving anything.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
function start(env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, ["--conditions=react-server", "scripts/run.mjs", "scripts/start.ts"], {
    cwd: root,
    env: { ...process.env, NEXTAUTH_SECRET: undefined, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe("npm start with bad configuration", () => {
  it("names the host of an unreachable DATABASE_URL and exits non-zero", () => {
    const r = start({ DATABASE_URL: "postgresql://nobody@127.0.0.1:1/nowhere", NEXTAUTH_SECRET: "a-secret-of-enough-length" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Cannot reach the database at 127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\)\./m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("refuses to start on a database server without NEXTAUTH_SECRET, naming the variable", () => {
    const r = start({ DATABASE_URL: "postgresql://nobody@127.0.0.1:1/nowhere" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("NEXTAUTH_SECRET is not set");
  });
});
