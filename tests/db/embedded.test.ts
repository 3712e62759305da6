// The embedded database: one owner per data folder, and no committed data lost to a kill.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirInUseError, EMBEDDED_SHARED_BUFFERS, freePort, lockDataDir } from "../../lib/db/embedded";

const root = path.resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

/** Starts scripts/embedded-db.ts in its own process and waits until it accepts connections. */
async function serve(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/embedded-db.ts"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("listening")) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`embedded-db exited: ${out}`));
      }
    }, 50);
  });
  const password = fs.readFileSync(path.join(dataDir, "db-password"), "utf8");
  return { child, url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`, output: () => out };
}

describe("embedded PostgreSQL", () => {
  it("keeps its password beside the data (mode 0600), never prints it, and refuses a connection without it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
    const port = await freePort();
    const { url, output } = await serve(dataDir, port);
    const file = path.join(dataDir, "db-password");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, "utf8");
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(output()).not.toContain(password);
    const anyone = new pg.Client({ connectionString: `postgresql://anyone:wrong@127.0.0.1:${port}/postgres?sslmode=disable` });
    await expect(anyone.connect()).rejects.toMatchObject({ code: "28P01" });
    const right = new pg.Client({ connectionString: url });
    await right.connect();
    expect((await right.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await right.end();
  });

  it("refuses a second owner of the same data folder with a clear message", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
    await serve(dataDir, await freePort());
    const second = spawn(process.execPath, ["--import", "tsx", "scripts/embedded-db.ts"], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()) },
    });
    children.push(second);
    let err = "";
    second.stderr!.on("data", (d) => (err += d));
    const code = await new Promise((r) => second.once("exit", r));
    expect(code).toBe(1);
    expect(err).toMatch(/already in use by process \d+/);
  });

  it("creates a new database in a process of its own, renamed into place whole, and refuses a folder of other files", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
    const { child, url } = await serve(dataDir, await freePort());
    expect(fs.readdirSync(dataDir).sort()).toEqual(["db-password", "pg", "pg.lock"]); // no initdb folder left beside it
    expect(fs.existsSync(path.join(dataDir, "pg", "PG_VERSION"))).toBe(true);
    // initdb ran elsewhere: in the serving process it grows WebAssembly memory to ~660 MB for good
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024;
    expect(rssMb).toBeLessThan(450);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query("SELECT current_setting('shared_buffers') AS sb")).rows).toEqual([{ sb: EMBEDDED_SHARED_BUFFERS }]);
    await client.end();

    const stray = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
    fs.mkdirSync(path.join(stray, "pg"));
    fs.writeFileSync(path.join(stray, "pg", "notes.txt"), "mine");
    await expect(serve(stray, await freePort())).rejects.toThrow(/holds files but no database \(it has no PG_VERSION\)/);
    expect(fs.readdirSync(path.join(stray, "pg"))).toEqual(["notes.txt"]);
  });

  it("takes over a lock left by a process that died", () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-")), "pg");
    fs.writeFileSync(`${dataDir}.lock`, "999999999"); // no such process
    const unlock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir + "-other")).not.toThrow();
    unlock();
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
    fs.writeFileSync(`${dataDir}.lock`, String(process.ppid));
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
  });

  it("loses no committed row when the server is killed mid-write", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgdata-"));
    const port = await freePort();
    const first = await serve(dataDir, port);
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    client.on("error", () => {}); // the kill drops the connection
    await client.query("CREATE TABLE t (id int PRIMARY KEY, payload text)");
    const acknowledged: number[] = [];
    const writer = (async () => {
      for (let i = 0; ; i++) {
        try {
          await client.query("INSERT INTO t VALUES ($1, repeat('x', 2000))", [i]);
          acknowledged.push(i);
        } catch {
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 700));
    first.child.kill("SIGKILL");
    await writer;
    await new Promise((r) => first.child.once("exit", r));
    expect(acknowledged.length).toBeGreaterThan(10);

    const second = await serve(dataDir, port);
    const again = new pg.Client({ connectionString: second.url });
    await again.connect();
    const { rows } = await again.query("SELECT id FROM t ORDER BY id");
    await again.end();
    const stored = new Set(rows.map((r) => r.id as number));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });
});
