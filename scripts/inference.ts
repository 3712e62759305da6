// The inference server process (run with `tsx --conditions=react-server scripts/inference.ts`):
// generation and reward scoring for the playground, on loopback, behind INFERENCE_SECRET.
// INFERENCE_URL (default http://127.0.0.1:3100) gives its port; DATABASE_URL its database;
// INFERENCE_DEVICE (else ML_DEVICE, else cpu) where the models run: cpu, cuda or cuda:N.
import { startInferenceServer } from "../lib/inference/server";
import { checkEnv, envVar } from "../lib/env";

const fail = (msg: string): never => {
  console.error(`[inference] ${msg}`);
  process.exit(1);
};

try {
  checkEnv("inference");
} catch (e) {
  fail((e as Error).message);
}
const secret = envVar("INFERENCE_SECRET") ?? fail("INFERENCE_SECRET is not set: set it to a long random string shared with the web server.");
if (!envVar("DATABASE_URL")) fail("DATABASE_URL is not set.");
const url = new URL(envVar("INFERENCE_URL") ?? "http://127.0.0.1:3100");
if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) fail(`INFERENCE_URL must be a loopback address (127.0.0.1), not ${url.hostname}.`);
const server = await startInferenceServer({
  port: Number(url.port || 3100),
  host: url.hostname,
  secret,
  capacity: envVar("INFERENCE_MODELS"),
  threads: envVar("INFERENCE_THREADS"),
  device: envVar("INFERENCE_DEVICE") ?? envVar("ML_DEVICE"),
}).catch((e: Error) => fail(e.message));
console.log(`[inference] listening on ${server.url}`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
