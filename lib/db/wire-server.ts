// Serves one PGlite database over the PostgreSQL wire protocol to many connections.
//
// PGlite is a single session, so connections must take turns. pglite-socket's server takes
// turns per MESSAGE and keeps a connection exclusive only inside a transaction; outside one,
// the extended-protocol messages of two connections (Parse/Bind/Execute/Sync) interleave and
// clobber each other's unnamed portal ("portal "" does not exist" under concurrent load).
// This server takes turns per protocol EXCHANGE instead: a connection owns the database from
// its first message until a Sync or simple Query leaves the session idle (not in a transaction),
// so each exchange, and each whole transaction, runs alone. The messages a connection has sent
// so far go to PGlite together, in one call.
//
// Named prepared statements and portals live in the session, which here all connections share;
// on a real server they are per connection. So each connection's names are prefixed with its id
// on the way in (Parse, Bind, Describe, Execute, Close), and deallocated when it disconnects.
//
// Any local process can reach the port, so a client must authenticate (SCRAM-SHA-256, scram.ts)
// before one byte of its reaches PGlite, and the parser trusts nothing: a length out of range, an
// unknown message type or a malformed message drops the connection; messages are bounded in size
// (small until authenticated), connections in number, and authentication in time.
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { mockVerifier, SCRAM_MECHANISM, ScramError, ScramExchange, scramVerifier, type ScramVerifier } from "./scram";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
/** PostgreSQL's own bound on a startup packet; also the bound on every message before authentication. */
const MAX_STARTUP_BYTES = 10_000;
/** Frontend message types accepted after authentication (protocol 3.0). */
const FRONTEND_TYPES = new Set("BCdcfDEHFPQSX".split("").map((c) => c.charCodeAt(0)));
/** A connection with this many messages waiting stops being read until they are done. */
const MAX_QUEUED = 1000;

export type WireServerOptions = {
  /** The password of `user`, checked with SCRAM-SHA-256. */
  password: string;
  user?: string;
  maxConnections?: number;
  /** The largest message an authenticated client may send (default 256 MiB). */
  maxMessageBytes?: number;
  /** How long a client has to authenticate (default 10 s). */
  authTimeoutMs?: number;
};

type Message = { type: number; bytes: Buffer }; // type 0: the startup packet

/** Sync, a simple Query, or the startup packet: afterwards the session is idle unless in a transaction. */
const endsExchange = (type: number) => type === 0x53 /* Sync */ || type === 0x51 /* Query */ || type === 0; /* startup */

/** The most bytes of messages handed to PGlite in one call (one larger message goes alone). */
const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Takes the messages PGlite runs in one call from the front of a connection's queue: all of them up
 * to a Terminate (never one) and MAX_BATCH_BYTES, and a startup packet alone (PGlite reads a buffer
 * that starts with one as a startup packet, and nothing after it).
 */
function takeBatch(queue: Message[]): Message[] {
  if (queue[0]?.type === 0) return queue.splice(0, 1);
  let n = 0;
  let bytes = 0;
  for (const m of queue) {
    if (m.type === 0x58 /* X: Terminate */ || m.type === 0 || (n > 0 && bytes + m.bytes.length > MAX_BATCH_BYTES)) break;
    bytes += m.bytes.length;
    n++;
  }
  return queue.splice(0, n);
}
type Conn = {
  id: number;
  socket: net.Socket;
  /** Bytes received and not yet cut into messages, as chunks (joined only once a whole message is there). */
  chunks: Buffer[];
  size: number;
  /** Bytes needed before another message can be cut (0: unknown yet). */
  need: number;
  phase: "startup" | "sasl-first" | "sasl-final" | "ready" | "closed";
  startup?: Buffer;
  user?: string;
  scram?: ScramExchange;
  authTimer?: NodeJS.Timeout;
  queue: Message[];
  busy: boolean;
  /** Session-wide names of the statements this connection prepared. */
  statements: Set<string>;
};
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

class ProtocolError extends Error {}

export class WireServer {
  private server?: net.Server;
  private owner: number | null = null;
  private waiters: (() => void)[] = [];
  private nextId = 1;
  private conns = new Set<Conn>();
  private readonly user: string;
  private readonly verifier: ScramVerifier;
  private readonly maxConnections: number;
  private readonly maxMessageBytes: number;
  private readonly authTimeoutMs: number;
  /** Where the reply of the message running now goes (execute()). */
  private sink: net.Socket | null = null;
  private readonly onRawData = (chunk: Uint8Array) => {
    if (this.sink?.writable) this.sink.write(Buffer.from(chunk));
  };

  constructor(
    private readonly db: PGlite,
    opts: WireServerOptions,
  ) {
    this.user = opts.user ?? "postgres";
    this.verifier = scramVerifier(opts.password);
    this.maxConnections = opts.maxConnections ?? 64;
    this.maxMessageBytes = opts.maxMessageBytes ?? 256 * 1024 * 1024;
    this.authTimeoutMs = opts.authTimeoutMs ?? 10_000;
  }

  /** Connections open now (for tests and diagnostics). */
  get connectionCount(): number {
    return this.conns.size;
  }

  async listen(port: number, host = "127.0.0.1"): Promise<number> {
    await this.db.waitReady;
    this.server = net.createServer((socket) => this.accept(socket));
    // A hard stop well above the limit that is answered with a sentence (accept()).
    this.server.maxConnections = this.maxConnections * 2 + 16;
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
    const conn: Conn = { id: this.nextId++, socket, chunks: [], size: 0, need: 0, phase: "startup", queue: [], busy: false, statements: new Set() };
    socket.setNoDelay(true);
    socket.on("error", () => {});
    if (this.conns.size >= this.maxConnections) {
      this.fail(conn, "53300", "sorry, too many clients already");
      return;
    }
    this.conns.add(conn);
    conn.authTimer = setTimeout(() => this.fail(conn, "08006", "authentication timed out"), this.authTimeoutMs);
    socket.on("data", (chunk) => {
      if (conn.phase === "closed") return;
      conn.chunks.push(chunk);
      conn.size += chunk.length;
      if (conn.size < conn.need) return;
      try {
        this.split(conn);
      } catch (e) {
        this.fail(conn, "08P01", e instanceof ProtocolError ? e.message : "invalid message");
        return;
      }
      void this.drain(conn);
    });
    socket.on("close", () => void this.closed(conn));
  }

  /** Sends a FATAL error and closes the connection; nothing more it sends is read. */
  private fail(conn: Conn, code: string, message: string) {
    if (conn.phase === "closed") return;
    conn.phase = "closed";
    conn.queue.length = 0;
    conn.chunks = [];
    clearTimeout(conn.authTimer);
    const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, "utf8");
    if (conn.socket.writable) conn.socket.end(Buffer.concat([header(0x45, fields.length), fields]));
    setTimeout(() => conn.socket.destroy(), 1000).unref();
  }

  /** Cuts complete messages off the connection's bytes, checking each length first. */
  private split(conn: Conn) {
    let b = conn.chunks.length === 1 && conn.chunks[0] ? conn.chunks[0] : Buffer.concat(conn.chunks);
    conn.need = 0;
    while (conn.phase !== "closed") {
      if (conn.phase === "startup") {
        // Startup-phase packets have no type byte: int32 length, int32 code.
        if (b.length < 4) break;
        const len = b.readInt32BE(0);
        if (len < 8 || len > MAX_STARTUP_BYTES) throw new ProtocolError("invalid length of startup packet");
        if (b.length < len) {
          conn.need = len;
          break;
        }
        const packet = b.subarray(0, len);
        b = b.subarray(len);
        this.startup(conn, packet);
        continue;
      }
      if (b.length < 5) break;
      const len = b.readInt32BE(1);
      const max = conn.phase === "ready" ? this.maxMessageBytes : MAX_STARTUP_BYTES;
      if (len < 4 || len > max) throw new ProtocolError(len < 4 ? "invalid message length" : `message of ${len} bytes is larger than the limit of ${max}`);
      if (b.length < 1 + len) {
        conn.need = 1 + len;
        break;
      }
      const msg = b.subarray(0, 1 + len);
      b = b.subarray(1 + len);
      if (conn.phase !== "ready") this.authenticate(conn, msg);
      else {
        const type = msg.readUInt8(0);
        if (!FRONTEND_TYPES.has(type)) throw new ProtocolError(`invalid frontend message type ${type}`);
        conn.queue.push({ type, bytes: scopeNames(conn, msg) });
      }
    }
    conn.chunks = b.length && conn.phase !== "closed" ? [b] : [];
    conn.size = conn.chunks.length ? b.length : 0;
    if (conn.queue.length > MAX_QUEUED) conn.socket.pause();
  }

  private startup(conn: Conn, packet: Buffer) {
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      if (packet.length !== 8) throw new ProtocolError("invalid length of encryption request");
      conn.socket.write("N"); // no encryption on loopback
      return;
    }
    if (code === CANCEL_REQUEST) {
      // Cancelling is not supported (one PGlite session): close, as a server does after a cancel.
      conn.phase = "closed";
      conn.socket.end();
      return;
    }
    if (code !== PROTOCOL_3) throw new ProtocolError("unsupported frontend protocol");
    const params = new Map<string, string>();
    let at = 8;
    while (at < packet.length && packet[at] !== 0) {
      const [key, next] = cstring(packet, at);
      const [value, after] = cstring(packet, next);
      params.set(key, value);
      at = after;
    }
    if (at !== packet.length - 1) throw new ProtocolError("invalid startup packet layout");
    const user = params.get("user");
    if (!user) return this.fail(conn, "28000", "no PostgreSQL user name specified in startup packet");
    conn.user = user;
    conn.startup = Buffer.from(packet);
    conn.scram = new ScramExchange(user === this.user ? this.verifier : mockVerifier());
    conn.phase = "sasl-first";
    const body = Buffer.concat([int32(10), Buffer.from(`${SCRAM_MECHANISM}\0\0`)]);
    conn.socket.write(Buffer.concat([header(0x52, body.length), body])); // AuthenticationSASL
  }

  /** SASLInitialResponse, then SASLResponse; on success the startup packet goes on to PGlite. */
  private authenticate(conn: Conn, msg: Buffer) {
    if (msg[0] !== 0x70 /* p */) throw new ProtocolError("expected a SASL response");
    let data: string;
    if (conn.phase === "sasl-first") {
      const [mechanism, at] = cstring(msg, 5);
      if (mechanism !== SCRAM_MECHANISM) throw new ProtocolError("client selected an invalid SASL authentication mechanism");
      if (at + 4 > msg.length || msg.readInt32BE(at) !== msg.length - at - 4) throw new ProtocolError("malformed SASL initial response");
      data = msg.toString("utf8", at + 4);
    } else data = msg.toString("utf8", 5);
    try {
      if (conn.phase === "sasl-first") {
        const body = Buffer.concat([int32(11), Buffer.from(conn.scram!.first(data))]);
        conn.socket.write(Buffer.concat([header(0x52, body.length), body])); // AuthenticationSASLContinue
        conn.phase = "sasl-final";
        return;
      }
      const body = Buffer.concat([int32(12), Buffer.from(conn.scram!.final(data))]);
      conn.socket.write(Buffer.concat([header(0x52, body.length), body])); // AuthenticationSASLFinal
    } catch (e) {
      if (!(e instanceof ScramError)) throw e;
      if (e.wrongPassword) return this.fail(conn, "28P01", `password authentication failed for user "${conn.user}"`);
      throw new ProtocolError(e.message);
    }
    clearTimeout(conn.authTimer);
    conn.phase = "ready";
    conn.scram = undefined;
    conn.queue.push({ type: 0, bytes: conn.startup! }); // PGlite answers AuthenticationOk, parameters, ReadyForQuery
  }

  private async drain(conn: Conn) {
    if (conn.busy) return;
    conn.busy = true;
    try {
      while (conn.queue.length > 0) {
        if (conn.queue[0]?.type === 0x58 /* X: Terminate */) {
          conn.socket.end();
          break;
        }
        // Every message received so far goes to PGlite in one call (it runs every message of its
        // input in order): one call and one reply write per exchange, or per whole transaction when
        // the client sent its statements together (lib/labeling/sql/transaction.ts inOneTrip), rather
        // than one per Parse, Bind, Describe, Execute and Sync. That shortens each turn every other
        // connection waits for.
        const batch = takeBatch(conn.queue);
        const bytes = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((m) => m.bytes));
        await this.acquire(conn.id);
        await this.execute(bytes, conn.socket);
        if (endsExchange(batch.at(-1)!.type) && !this.db.isInTransaction()) this.release(conn.id);
      }
      if (conn.socket.isPaused() && conn.phase === "ready") conn.socket.resume();
    } catch (e) {
      conn.socket.destroy(e as Error);
    } finally {
      conn.busy = false;
    }
  }

  /**
   * Runs one frontend message, its reply written to `out` as PGlite produces it (null: dropped).
   * Not execProtocolRaw: in PGlite 0.5 that also parses every reply into message objects and
   * appends them to a list that only its own query()/exec() ever replace, so a server that speaks
   * only the raw protocol keeps every row it ever sent (tests/db/wire-server.test.ts: the heap grew
   * 87 MB per 80 MB streamed).
   * execProtocolRawStream hands over the raw bytes alone, as views on wasm memory: copied here.
   */
  private async execute(message: Buffer, out: net.Socket | null) {
    this.sink = out;
    out?.cork(); // the reply's chunks leave in one write
    try {
      await this.db.execProtocolRawStream(new Uint8Array(message.buffer, message.byteOffset, message.length), { onRawData: this.onRawData });
    } finally {
      this.sink = null;
      out?.uncork();
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
    clearTimeout(conn.authTimer);
    conn.phase = "closed";
    if (!this.conns.delete(conn)) return;
    conn.queue.length = 0;
    const midExchange = this.owner === conn.id;
    if (!midExchange && conn.statements.size === 0) return;
    await this.acquire(conn.id);
    try {
      if (midExchange) {
        // The connection died mid-exchange or mid-transaction: undo what it left open.
        await this.execute(SYNC, null); // end a half-sent extended-protocol exchange
        if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
      }
      for (const name of conn.statements) await this.db.exec(`DEALLOCATE "${name.replaceAll('"', '""')}"`).catch(() => {});
    } finally {
      this.release(conn.id);
    }
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A backend message header: type byte and the length of the body plus the length field. */
function header(type: number, bodyLength: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = type;
  b.writeInt32BE(4 + bodyLength, 1);
  return b;
}

/** Reads a NUL-terminated string at `at`; returns it and the offset after the NUL. */
function cstring(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  if (end < 0) throw new ProtocolError("a string in the message is not terminated");
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
