// Integration tests run against a real PostgreSQL: DATABASE_URL when set (CI creates a fresh
// database for the run), else an in-process PGlite served over the wire protocol.
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { buildAppScripts } from "../helpers/app-scripts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let embedded: EmbeddedPostgres | undefined;

export default async function setup(project: TestProject) {
  await buildAppScripts(); // the app's processes run as npm start runs them: bundled
  let url = process.env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({});
    url = embedded.url;
  }
  await migrate(url, { log: () => {} });
  project.provide("databaseUrl", url);
  return async () => {
    await embedded?.stop();
  };
}
