// Stamps the socket's peer address on an incoming request (scripts/web-server.ts), after dropping
// any copy of the header the client sent, so lib/auth/client-ip.ts can trust it.
import type { IncomingMessage } from "node:http";
import { PEER_HEADER } from "../auth/client-ip";

export function stampPeer(req: IncomingMessage): void {
  delete req.headers[PEER_HEADER];
  // rawHeaders too: Next.js builds some views of the request from them.
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]?.toLowerCase() === PEER_HEADER) req.rawHeaders.splice(i, 2);
  }
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;
}
