// Closing a connection whose request body was refused unread (a 413) without resetting it.
//
// Node closes a connection it will not reuse with socket.destroySoon(): its FIN, then close() with
// the client's unread bytes still queued, and a socket closed with unread bytes makes the kernel
// answer with a reset. A client still sending its body then gets EPIPE or ECONNRESET on its next
// write, and never reads the 413 that was already on its way (tests/http/linger.test.ts shows it).
// Instead, the answer is followed by a FIN and the connection goes on reading, throwing the bytes
// away, until the client closes, LINGER.ms pass or LINGER.bytes more arrive: a client that stops
// at the answer sends little more, and one that does not stop is cut off.
import type { IncomingMessage } from "node:http";
import net from "node:net";

export const LINGER = { ms: 2_000, bytes: 4 * 1024 * 1024 };

/** Called for each request (scripts/web-server.ts); only a request whose body is unfinished when its connection closes is affected. */
export function lingerOnRefusal(req: IncomingMessage): void {
  const socket = req.socket;
  socket.destroySoon = function (this: net.Socket) {
    if (req.complete || this.destroyed) return net.Socket.prototype.destroySoon.call(this);
    const close = () => this.destroy();
    const timer = setTimeout(close, LINGER.ms);
    timer.unref();
    this.once("close", () => clearTimeout(timer));
    this.once("end", close);
    // The route's readers are done with the body: what comes now is counted and dropped.
    let more = 0;
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      more += chunk.length;
      if (more > LINGER.bytes) close();
    });
    req.on("end", close);
    req.resume();
    this.end();
  };
}
