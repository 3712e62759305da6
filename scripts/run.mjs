// Runs one of the app's TypeScript scripts as plain JavaScript: `node scripts/run.mjs scripts/start.ts`
// (npm start, npm run worker). The script is bundled by lib/child-bundle.mjs (rebuilt only when a
// source changed) and imported here, so the process carries no TypeScript loader: through tsx's CLI,
// npm start was one process more (~45 MB) and tsx's hooks thread ~50 MB in each. When the bundle
// cannot be built (e.g. a read-only node_modules), nodeEntry says so and the script runs through
// tsx, registered here, as before.
import { fileURLToPath, pathToFileURL } from "node:url";
import { nodeEntry } from "../lib/child-bundle.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const script = process.argv[2];
if (!script) {
  console.error("Usage: node scripts/run.mjs <script.ts> [arguments]");
  process.exit(1);
}
const args = await nodeEntry(root, script); // [bundle], or ["--import", "tsx", script]
if (args.length > 1) (await import("tsx/esm/api")).register();
const entry = args[args.length - 1];
process.argv.splice(1, 2, entry); // the script sees its own arguments where it would under node
await import(pathToFileURL(entry).href);
