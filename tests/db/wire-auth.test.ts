// The embedded wire server against clients that are not the app: a wrong password or user is
// refused, malformed packets drop the connection (never a loop), and after hundreds of random and
// truncated packets on many connections the server still answers a real query, with its memory
// and its connection count back where they were.
import net from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireServer } from "../../lib/db/wire-server";
import { mulberry32 } from "../ranking/prng";

const PASSWORD = "right-password-7f3a";
const LIMIT = 100;
let db: PGlite;
let server: WireServer;
let port: number;
const url = (user: string, password: string) => `postgresql://${user}:${password}@127.0.0.1:${port}/postgres?sslmode=disable`;

beforeAll(async () => {
  db = await PGlite.create();
  server = new WireServer(db, { password: PASSWORD, maxConnections: LIMIT, maxMessageBytes: 1024 * 1024, authTimeoutMs: 1500 });
  port = await server.listen(0);
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

async function query(connectionString: string, sql = "SELECT 41 + 1 AS n") {
  const c = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  c.on("error", () => {});
  try {
    await c.connect();
    return (await c.query(sql)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closes it (or after `waitMs`). */
function raw(bytes: Buffer, waitMs = 5000): Promise<{ closed: boolean; reply: Buffer }> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    const got: Buffer[] = [];
    let size = 0;
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ closed, reply: Buffer.concat(got) });
    };
    const timer = setTimeout(() => done(false), waitMs);
    s.on("data", (d) => {
      size += d.length;
      if (size > 1_000_000)
        done(false); // a server writing without end: what hole #5 looked like
      else got.push(d);
    });
    s.on("error", () => {});
    s.on("close", () => done(true));
    s.write(bytes);
  });
}

function startupPacket(params: Record<string, string>): Buffer {
  const kv = Buffer.from(
    Object.entries(params)
      .map(([k, v]) => `${k}\0${v}\0`)
      .join("") + "\0",
  );
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + kv.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, kv]);
}

describe("the embedded wire server's authentication", () => {
  it("lets a pg client with the right password in (SCRAM-SHA-256)", async () => {
    expect(await query(url("postgres", PASSWORD))).toEqual([{ n: 42 }]);
  });

  it("refuses a wrong password with PostgreSQL's error", async () => {
    await expect(query(url("postgres", "wrong"))).rejects.toMatchObject({ code: "28P01", message: 'password authentication failed for user "postgres"' });
  });

  it("refuses another user name, even with the right password", async () => {
    await expect(query(url("anyone", PASSWORD))).rejects.toMatchObject({ code: "28P01", message: 'password authentication failed for user "anyone"' });
  });

  it("asks for SCRAM before anything reaches the database", async () => {
    const { reply } = await raw(startupPacket({ user: "postgres", database: "postgres" }), 300);
    expect(reply[0]).toBe(0x52); // R: an authentication request...
    expect(reply.readInt32BE(5)).toBe(10); // ...AuthenticationSASL, not AuthenticationOk (0)
    expect(reply.subarray(9).toString()).toContain("SCRAM-SHA-256");
  });
});

describe("the embedded wire server's parser", () => {
  it("drops a connection whose startup length is 0 instead of looping (hole #5)", async () => {
    const r = await raw(Buffer.from([0, 0, 0, 0, 0x04, 0xd2, 0x16, 0x2f]));
    expect(r.closed).toBe(true);
    expect(r.reply.length).toBeLessThan(200);
    expect(await query(url("postgres", PASSWORD))).toEqual([{ n: 42 }]);
  });

  it("drops an authenticated connection that sends a length below 4 or over the limit", async () => {
    for (const bad of [Buffer.from([0x51, 0, 0, 0, 2]), Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]), Buffer.from([0x01, 0, 0, 0, 4])]) {
      const c = new pg.Client({ connectionString: url("postgres", PASSWORD) });
      c.on("error", () => {});
      await c.connect();
      const ended = new Promise((r) => c.once("end", r));
      (c as unknown as { connection: { stream: net.Socket } }).connection.stream.write(bad);
      await ended;
    }
    expect(await query(url("postgres", PASSWORD))).toEqual([{ n: 42 }]);
  });

  it("answers connections over the limit with a sentence, not silence", async () => {
    const held = await Promise.all(
      Array.from(
        { length: LIMIT },
        () =>
          new Promise<net.Socket>((r) => {
            const s = net.connect(port, "127.0.0.1", () => r(s));
            s.on("error", () => {});
          }),
      ),
    );
    await expect.poll(() => server.connectionCount).toBe(LIMIT);
    await expect(query(url("postgres", PASSWORD))).rejects.toMatchObject({ code: "53300" });
    held.forEach((s) => s.destroy());
    await expect.poll(() => server.connectionCount).toBe(0);
  });

  it("survives 400 random and truncated packets on many connections, with bounded memory", async () => {
    const rand = mulberry32(20261204);
    const int = (n: number) => Math.floor(rand() * n);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    const be32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n | 0);
      return b;
    };
    const good = startupPacket({ user: "postgres", database: "postgres" });
    const sasl = (payload: Buffer) => Buffer.concat([Buffer.from("p"), be32(4 + payload.length), payload]);
    const kinds: (() => Buffer)[] = [
      () => bytes(1 + int(64)), // noise
      () =>
        Buffer.concat([
          be32([0, 1, 4, 7, -1, 0x7fffffff, 10_001, 1 << 30][int(8)]),
          be32([80877103, 196608, 80877102, 80877104, int(1 << 30)][int(5)]),
          bytes(int(16)),
        ]), // bad lengths
      () => good.subarray(0, 1 + int(good.length - 1)), // truncated startup
      () => Buffer.concat([good, sasl(bytes(int(40)))]), // garbage SASL
      () => Buffer.concat([good, sasl(Buffer.concat([Buffer.from("SCRAM-SHA-256\0"), be32(int(100) - 50), Buffer.from("n,,n=,r=abc")]))]), // wrong inner length
      () => Buffer.concat([good, Buffer.from([0x70]), be32([0, 3, -5, 1 << 30][int(4)])]), // bad SASL length
      () => Buffer.concat([good, sasl(Buffer.concat([Buffer.from("SCRAM-SHA-256\0"), be32(18), Buffer.from("p=tls-unique,,n=,r=x")]))]), // channel binding asked
      () => Buffer.concat([be32(8), be32(80877103), bytes(1 + int(32))]), // SSL request, then noise
      () => startupPacket({ database: "postgres" }), // no user
      () => Buffer.concat([good, sasl(Buffer.from("SCRAM-SHA-256\0\xff\xff\xff\xff")), bytes(int(8))]),
    ];
    const before = process.memoryUsage();
    let closedByServer = 0;
    const packets = Array.from({ length: 400 }, () => kinds[int(kinds.length)]());
    for (let i = 0; i < packets.length; i += 80) {
      const wave = await Promise.all(packets.slice(i, i + 80).map((p) => raw(p, 4000)));
      closedByServer += wave.filter((r) => r.closed).length;
      wave.forEach((r) => expect(r.reply.length).toBeLessThan(1000));
    }
    // Some packets are incomplete and wait for more bytes: the authentication timeout closes those.
    expect(closedByServer).toBe(packets.length);
    await expect.poll(() => server.connectionCount, { timeout: 5000 }).toBe(0);
    // Authenticated clients too: random frontend messages of valid length but wrong type, lengths out of range.
    for (let i = 0; i < 20; i++) {
      const c = new pg.Client({ connectionString: url("postgres", PASSWORD) });
      c.on("error", () => {});
      await c.connect();
      const ended = new Promise((r) => c.once("end", r));
      const type = [0x00, 0x01, 0x70, 0x7a, 0xff][int(5)];
      (c as unknown as { connection: { stream: net.Socket } }).connection.stream.write(Buffer.concat([Buffer.from([type]), be32(4 + 8), bytes(8)]));
      await ended;
    }
    const rows = await Promise.all(Array.from({ length: 8 }, () => query(url("postgres", PASSWORD))));
    expect(rows.flat()).toEqual(Array(8).fill({ n: 42 }));
    const after = process.memoryUsage();
    expect(after.heapUsed + after.external - (before.heapUsed + before.external)).toBeLessThan(64 * 1024 * 1024);
  });
});
