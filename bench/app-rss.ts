// The whole app's resident memory at rest: runs `npm start` (scripts/start.ts: the embedded database,
// the web server, the training workers and the inference server) on DATA_DIR, waits until it is
// ready and has settled, and reports each process's RSS and their sum (sampled for SETTLE_S seconds,
// the highest sum). Point DATA_DIR at a folder `KEEP_DB=1 npm run bench:export` kept to see the app
// with a million comparisons stored; unset, a fresh folder (the app empty, with the demo project).
// Needs a built app (npm start builds it when the sources changed). Ends with one line of JSON.
// Usage: tsx bench/app-rss.ts   (env: DATA_DIR, SETTLE_S default 10, WORKERS as npm start)
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/db/embedded";
import { descendants, rssMb } from "./rss";

const fresh = !process.env.DATA_DIR;
const dataDir = process.env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-app-rss-"));
const settleS = Number(process.env.SETTLE_S ?? 10);
const [port, inferencePort] = [await freePort(), await freePort()];
const { DATABASE_URL: _, ...env } = process.env;
const app = spawn(process.execPath, ["--conditions=react-server", "scripts/run.mjs", "scripts/start.ts"], {
  env: { ...env, DATA_DIR: dataDir, PORT: String(port), INFERENCE_PORT: String(inferencePort) },
  stdio: ["ignore", "pipe", "inherit"],
});
const t0 = performance.now();
await new Promise<void>((resolve, reject) => {
  let out = "";
  app.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("[rlhf-studio] ready in")) resolve();
  });
  app.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${out.slice(-2000)}`)));
});
const readyS = (performance.now() - t0) / 1000;

/** The tree's processes by their command line's script, and the sum. */
function sample() {
  const pids = [app.pid!, ...descendants(app.pid!)];
  const by: Record<string, number> = {};
  for (const pid of pids) {
    let cmd = "";
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).at(-1) ?? "";
    } catch {
      continue;
    }
    const name = path.basename(cmd);
    by[name] = Math.round((by[name] ?? 0) + rssMb(pid));
  }
  return { ...by, total: Object.values(by).reduce((a, b) => a + b, 0) };
}
let peak = sample();
const until = performance.now() + settleS * 1000;
while (performance.now() < until) {
  await new Promise((r) => setTimeout(r, 250));
  const s = sample();
  if (s.total > peak.total) peak = s;
}
const exited = new Promise((r) => app.once("exit", r));
app.kill("SIGTERM");
await exited;
if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`npm start ready in ${readyS.toFixed(1)} s; RSS at rest (MB): ${JSON.stringify(peak)}`);
console.log(
  JSON.stringify({ bench: "app-rss", data_dir: fresh ? "fresh" : dataDir, ready_s: Math.round(readyS * 10) / 10, rss_mb: peak, pass: peak.total < 1024 }),
);
