// The web server: Next.js behind a plain node:http server, so each request carries the address of
// the socket it came on (lib/auth/client-ip.ts: X-Forwarded-For is written by clients and is read
// only as far as TRUST_PROXY says). A client's own copy of that header is dropped first.
// Run by scripts/start.ts (and the browser tests) as: node --import tsx scripts/web-server.ts,
// with PORT and HOST; it prints "Ready on <url>" once it answers.
import http from "node:http";
import next from "next";
import { stampPeer } from "../lib/http/peer";
import { checkEnv, envVar } from "../lib/env";

checkEnv("web");
const port = envVar("PORT");
const hostname = envVar("HOST");
const app = next({ dev: false, hostname, port, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => {
  stampPeer(req);
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`Ready on http://${hostname}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
