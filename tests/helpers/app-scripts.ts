// The app's processes as npm start runs them: each script as its plain-JavaScript bundle
// (lib/child-bundle.mjs), built once per test run by tests/setup/global-setup.ts.
import path from "node:path";
import { bundlePath, childBundle } from "../../lib/child-bundle.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const APP_SCRIPTS = ["scripts/web-server.ts", "scripts/worker.ts", "scripts/bootstrap.ts", "scripts/inference.ts"] as const;
type AppScript = (typeof APP_SCRIPTS)[number];

/** Builds the bundles that are missing or stale (global setup). */
export const buildAppScripts = () => Promise.all(APP_SCRIPTS.map((s) => childBundle(root, s)));

/** Node's arguments that run `script` as npm start does, react-server condition included. */
export const appScript = (script: AppScript): string[] => ["--conditions=react-server", bundlePath(root, script)];
