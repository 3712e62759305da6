// The embedded database under concurrent connections: each protocol exchange and each
// transaction runs alone, so parameterized queries from many connections never interleave.
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBEDDED_SHARED_BUFFERS, startEmbeddedPostgres, type EmbeddedPostgres } from "../../lib/db/embedded";

let server: EmbeddedPostgres;
beforeAll(async () => {
  server = await startEmbeddedPostgres({});
});
afterAll(async () => server?.stop());

describe("the embedded wire server", () => {
  it("answers many connections' parameterized queries with their own results", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 16 });
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => pool.query<{ n: number; s: string }>("SELECT $1::int AS n, $2::text AS s", [i, `v${i}`])),
    );
    results.forEach((r, i) => expect(r.rows[0]).toEqual({ n: i, s: `v${i}` }));
    await pool.end();
  });

  it("keeps a transaction alone: concurrent increments are never lost", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 12 });
    await pool.query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)");
    await pool.query("INSERT INTO counter VALUES (1, 0)");
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        const c = await pool.connect();
        try {
          await c.query("BEGIN");
          const { rows } = await c.query<{ n: number }>("SELECT n FROM counter WHERE id = $1", [1]);
          await new Promise((r) => setTimeout(r, 1));
          await c.query("UPDATE counter SET n = $1 WHERE id = $2", [rows[0].n + 1, 1]);
          await c.query("COMMIT");
        } finally {
          c.release();
        }
      }),
    );
    expect((await pool.query("SELECT n FROM counter")).rows[0].n).toBe(60);
    await pool.end();
  });

  it("rolls back what a connection that died left open", async () => {
    const a = new pg.Client({ connectionString: server.url });
    await a.connect();
    a.on("error", () => {});
    await a.query("CREATE TABLE left_open (id int)");
    await a.query("BEGIN");
    await a.query("INSERT INTO left_open VALUES (1)");
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const b = new pg.Client({ connectionString: server.url });
    await b.connect();
    expect((await b.query("SELECT count(*)::int AS n FROM left_open")).rows[0].n).toBe(0);
    await b.end();
  });

  it("keeps nothing of the rows it has sent: its memory does not grow with what it streams", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed; // not external: the database's own WASM memory and files are there
    };
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const q = "SELECT i, repeat('x', 2000) AS t FROM generate_series(1, 5000) i";
    await c.query(q);
    const before = heap();
    let bytes = 0;
    for (let k = 0; k < 8; k++) bytes += (await c.query<{ t: string }>(q)).rows.reduce((n, r) => n + r.t.length, 0);
    const grown = heap() - before;
    await c.end();
    expect(bytes).toBe(8 * 5000 * 2000); // 80 MB went through the server (and this process's client)
    expect(grown).toBeLessThan(8 * 2 ** 20);
  });

  it("runs with the small buffer pool the app sets (PostgreSQL's default 128 MB would stay resident)", async () => {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    expect((await c.query("SHOW shared_buffers")).rows[0].shared_buffers).toBe(EMBEDDED_SHARED_BUFFERS);
    await c.end();
  });

  it("keeps each connection's named prepared statements its own, and drops them when it leaves", async () => {
    const clients = await Promise.all(
      [1, 2, 3].map(async () => {
        const c = new pg.Client({ connectionString: server.url });
        await c.connect();
        return c;
      }),
    );
    // The same statement name with a different text on each connection, used concurrently and repeatedly.
    const results = await Promise.all(
      clients.flatMap((c, i) =>
        [0, 1, 2].map((k) => c.query<{ v: string }>({ name: "same_name", text: `SELECT $1::text || '-${i}' AS v`, values: [`q${k}`] })),
      ),
    );
    expect(results.map((r) => r.rows[0].v)).toEqual(["q0-0", "q1-0", "q2-0", "q0-1", "q1-1", "q2-1", "q0-2", "q1-2", "q2-2"]);
    const prepared = () => clients[0].query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE '%same_name'");
    expect((await prepared()).rows[0].n).toBe(3);
    await Promise.all([clients[1].end(), clients[2].end()]);
    await expect.poll(async () => (await prepared()).rows[0].n).toBe(1);
    await clients[0].end();
  });
});
