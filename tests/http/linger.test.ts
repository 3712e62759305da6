// A request refused with a 413 before its body was read (CI once failed tests/e2e/hardening.test.ts
// with EPIPE: the server closed with the client's bytes unread, its kernel answered the client's
// next write with a reset, and the client never saw the 413). The server here refuses as the app
// does: it reads up to a limit, answers 413 with Connection: close, and leaves the rest unread.
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LINGER, lingerOnRefusal } from "../../lib/http/linger";

const LIMIT = 64 * 1024;
let server: http.Server | undefined;
/** Resolves once the server has sent its 413 (set by refusingServer). */
let refused: Promise<void> = Promise.resolve();
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A server that refuses bodies over LIMIT, with or without lingerOnRefusal; resolves to its port. */
function refusingServer(linger: boolean): Promise<number> {
  let onRefused = () => {};
  refused = new Promise((r) => (onRefused = r));
  server = http.createServer((req, res) => {
    if (linger) lingerOnRefusal(req);
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= LIMIT) return;
      req.off("data", onData);
      req.pause();
      res.writeHead(413, { connection: "close", "content-type": "text/plain" }).end("too large", onRefused);
    };
    req.on("data", onData);
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  return new Promise((resolve) => server!.listen(0, "127.0.0.1", () => resolve((server!.address() as AddressInfo).port)));
}

type Outcome = { answer: string; error: string | null; closed: boolean };

/**
 * Sends a chunked body of 1 MB, then, without reading, waits until the server has answered (and
 * 200 ms more for its close), sends `more` bytes, and only then reads: what a client busy writing
 * its body goes through.
 */
function sendThenRead(port: number, more: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const out: Outcome = { answer: "", error: null, closed: false };
    socket.pause();
    socket.on("data", (b) => (out.answer += b.toString("latin1")));
    socket.on("error", (e: NodeJS.ErrnoException) => (out.error = e.code ?? e.message));
    socket.on("close", () => {
      out.closed = true;
      resolve(out);
    });
    const chunk = (n: number) => `${n.toString(16)}\r\n${" ".repeat(n)}\r\n`;
    socket.write(`POST /x HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n${chunk(1024 * 1024)}`);
    void refused.then(() =>
      setTimeout(() => {
        if (more > 0) socket.write(chunk(more));
        setTimeout(() => {
          socket.resume();
          setTimeout(() => socket.destroy(), 5_000).unref();
        }, 100);
      }, 200),
    );
  });
}

describe("lingerOnRefusal", () => {
  it("without it, Node resets the connection: the client's next write fails and the 413 is lost", async () => {
    // The bug the fix is for, shown on this Node: if this starts passing without the fix, Node has
    // begun to close gently itself and lib/http/linger.ts can go.
    const r = await sendThenRead(await refusingServer(false), 64 * 1024);
    expect(r.error).toMatch(/EPIPE|ECONNRESET/);
    expect(r.answer).not.toMatch(/^HTTP\/1\.1 413/);
  });

  it("with it, a client still writing its body reads the 413, and the connection then closes", async () => {
    const r = await sendThenRead(await refusingServer(true), 64 * 1024);
    expect(r.error).toBeNull();
    expect(r.answer).toMatch(/^HTTP\/1\.1 413/);
    expect(r.answer.toLowerCase()).toContain("connection: close");
    expect(r.closed).toBe(true);
  });

  it("cuts off a client that goes on sending: after LINGER.bytes more the connection is closed", async () => {
    const port = await refusingServer(true);
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    let sent = 0;
    socket.on("data", (b) => (answer += b.toString("latin1")));
    socket.on("error", () => {});
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    socket.write("POST /x HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n");
    const piece = `${(64 * 1024).toString(16)}\r\n${" ".repeat(64 * 1024)}\r\n`;
    const pump = () => {
      while (!socket.destroyed && sent < 64 * 1024 * 1024) {
        sent += 64 * 1024;
        if (!socket.write(piece)) return void socket.once("drain", pump);
      }
    };
    pump();
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    // The server stopped reading at the limit plus LINGER.bytes, and what the socket buffers held
    // (here up to 4 MB sending and 32 MB receiving): well short of the 64 MB the client had to send.
    expect(sent).toBeLessThan(LIMIT + LINGER.bytes + 40 * 1024 * 1024);
  }, 20_000);

  it("leaves a connection whose body was read to the end as Node has it (keep-alive)", async () => {
    const port = await refusingServer(true);
    const agent = new http.Agent({ keepAlive: true });
    const get = () =>
      new Promise<{ status: number; socket: net.Socket }>((resolve, reject) => {
        const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/x", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, socket: req.socket! }));
        });
        req.on("error", reject);
        req.end("small");
      });
    const a = await get();
    const b = await get();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.socket).toBe(a.socket); // one connection, reused
    agent.destroy();
  });
});
