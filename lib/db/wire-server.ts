// Serves one PGlite database over the PostgreSQL wire protocol to many connections.
//
// PGlite is a single session, so connections must take turns. pglite-socket's server takes
// turns per MESSAGE and keeps a connection exclusive only inside a transaction; outside one,
// the extended-protocol messages of two connections (Parse/Bind/Execute/Sync) interleave and
// clobber each other's unnamed portal ("portal "" does not exist" under concurrent load).
// This server takes turns per protocol EXCHANGE instead: a connection owns the database from
// its first message until a Sync or simple Query leaves the session idle (not in a transaction),
// so each exchange, and each whole transaction, runs alone.
//
// Named prepared statements and portals live in the session, which here all connections share;
// on a real server they are per connection. So each connection's names are prefixed with its id
// on the way in (Parse, Bind, Describe, Execute, Close), and deallocated when it disconnects.
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;

type Message = { type: number; bytes: Buffer }; // type 0: the startup packet
type Conn = {
  id: number;
  socket: net.Socket;
  buffer: Buffer;
  started: boolean;
  queue: Message[];
  busy: boolean;
  /** Session-wide names of the statements this connection prepared. */
  statements: Set<string>;
};
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

export class WireServer {
  private server?: net.Server;
  private owner: number | null = null;
  private waiters: (() => void)[] = [];
  private nextId = 1;
  private conns = new Set<Conn>();

  constructor(
    private readonly db: PGlite,
    private readonly maxConnections = 64,
  ) {}

  async listen(port: number, host = "127.0.0.1"): Promise<number> {
    await this.db.waitReady;
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.maxConnections;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: net.Socket) {
    const conn: Conn = { id: this.nextId++, socket, buffer: Buffer.alloc(0), started: false, queue: [], busy: false, statements: new Set() };
    this.conns.add(conn);
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
      this.split(conn);
      void this.drain(conn);
    });
    socket.on("error", () => {});
    socket.on("close", () => void this.closed(conn));
  }

  /** Cuts complete messages off the connection's buffer onto its queue. */
  private split(conn: Conn) {
    for (;;) {
      const b = conn.buffer;
      if (!conn.started) {
        // Startup-phase packets have no type byte: int32 length, int32 code.
        if (b.length < 8) return;
        const len = b.readInt32BE(0);
        if (b.length < len) return;
        const code = b.readInt32BE(4);
        conn.buffer = b.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          conn.socket.write("N"); // no encryption on loopback
          continue;
        }
        if (code === CANCEL_REQUEST) {
          conn.socket.end();
          return;
        }
        conn.started = true;
        conn.queue.push({ type: 0, bytes: b.subarray(0, len) });
        continue;
      }
      if (b.length < 5) return;
      const len = 1 + b.readInt32BE(1);
      if (b.length < len) return;
      conn.queue.push({ type: b[0], bytes: scopeNames(conn, b.subarray(0, len)) });
      conn.buffer = b.subarray(len);
    }
  }

  private async drain(conn: Conn) {
    if (conn.busy) return;
    conn.busy = true;
    try {
      while (conn.queue.length > 0) {
        const { type, bytes } = conn.queue.shift()!;
        if (type === 0x58 /* X: Terminate */) {
          conn.socket.end();
          break;
        }
        await this.acquire(conn.id);
        const reply = await this.db.execProtocolRaw(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        if (reply.length && conn.socket.writable) conn.socket.write(reply);
        const exchangeEnds = type === 0x53 /* Sync */ || type === 0x51 /* Query */ || type === 0; /* startup */
        if (exchangeEnds && !this.db.isInTransaction()) this.release(conn.id);
      }
    } catch (e) {
      conn.socket.destroy(e as Error);
    } finally {
      conn.busy = false;
    }
  }

  private async acquire(id: number) {
    while (this.owner !== null && this.owner !== id) await new Promise<void>((r) => this.waiters.push(r));
    this.owner = id;
  }

  private release(id: number) {
    if (this.owner !== id) return;
    this.owner = null;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async closed(conn: Conn) {
    this.conns.delete(conn);
    conn.queue.length = 0;
    const midExchange = this.owner === conn.id;
    if (!midExchange && conn.statements.size === 0) return;
    await this.acquire(conn.id);
    try {
      if (midExchange) {
        // The connection died mid-exchange or mid-transaction: undo what it left open.
        await this.db.execProtocolRaw(SYNC); // end a half-sent extended-protocol exchange
        if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
      }
      for (const name of conn.statements) await this.db.exec(`DEALLOCATE "${name.replaceAll('"', '""')}"`).catch(() => {});
    } finally {
      this.release(conn.id);
    }
  }
}

/** Reads a NUL-terminated string at `at`; returns it and the offset after the NUL. */
function cstring(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  return [b.toString("utf8", at, end), end + 1];
}

/**
 * Rewrites the statement and portal names of one frontend message to the connection's own
 * (`c<id>.<name>`); the unnamed ones ("") stay as they are, being replaced at every use anyway.
 */
function scopeNames(conn: Conn, msg: Buffer): Buffer {
  const type = msg[0];
  const scope = (name: string) => (name === "" ? "" : `c${conn.id}.${name}`);
  // [offset of the first name, how many names follow it back to back]
  let at: number;
  let count: number;
  if (type === 0x50 /* P: Parse(statement, query, ...) */) [at, count] = [5, 1];
  else if (type === 0x42 /* B: Bind(portal, statement, ...) */) [at, count] = [5, 2];
  else if (type === 0x45 /* E: Execute(portal, maxRows) */) [at, count] = [5, 1];
  else if (type === 0x44 /* D: Describe('S'|'P', name) */ || type === 0x43 /* C: Close('S'|'P', name) */) [at, count] = [6, 1];
  else return msg;
  const names: string[] = [];
  let end = at;
  for (let i = 0; i < count; i++) {
    const [name, next] = cstring(msg, end);
    names.push(name);
    end = next;
  }
  if (names.every((n) => n === "")) return msg;
  const scoped = names.map(scope);
  const isStatement = (i: number) => (type === 0x50 ? true : type === 0x42 ? i === 1 : (type === 0x44 || type === 0x43) && msg[5] === 0x53);
  scoped.forEach((n, i) => {
    if (n && isStatement(i)) {
      if (type === 0x43) conn.statements.delete(n);
      else if (type === 0x50) conn.statements.add(n);
    }
  });
  const body = Buffer.concat([msg.subarray(5, at), ...scoped.map((n) => Buffer.from(`${n}\0`, "utf8")), msg.subarray(end)]);
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
