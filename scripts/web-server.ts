// The web server: Next.js behind a plain node:http server, so each request carries the address of
// the socket it came on (lib/auth/client-ip.ts: X-Forwarded-For is written by clients and is read
// only as far as TRUST_PROXY says). A client's own copy of that header is dropped first. The
// labeler's hot routes are answered here without Next.js's per-request machinery, by the same
// route handlers (lib/http/direct.ts); every other request goes to Next.js.
// Run by scripts/start.ts (and the browser tests) as:
//   node --conditions=react-server --import tsx scripts/web-server.ts
// with PORT and HOST; it prints "Ready on <url>" once it answers. (react-server: the route modules
// it loads are server code, which `import "server-only"` allows only under that condition.)
import http from "node:http";
import next from "next";
import { lingerOnRefusal } from "../lib/http/linger";
import { stampPeer } from "../lib/http/peer";
import { checkEnv, envVar } from "../lib/env";

checkEnv("web");
const port = envVar("PORT");
const hostname = envVar("HOST");
const app = next({ dev: false, hostname, port, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();
// Loaded once Next.js has set up its server runtime (the route modules reach next/server and next/headers).
const direct = envVar("DIRECT_ROUTES") === "0" ? null : await (await import("../lib/http/direct")).loadDirectRoutes(process.cwd());
const server = http.createServer((req, res) => {
  stampPeer(req);
  lingerOnRefusal(req); // a 413 reaches a client still sending its body
  const hit = direct?.match(req);
  if (hit) void direct!.serve(hit, req, res);
  else void handle(req, res);
});
server.listen(port, hostname, () => console.log(`Ready on http://${hostname}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
