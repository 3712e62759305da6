// Serves the embedded PostgreSQL alone (no web app): `npm run db:serve`. Useful to point
// psql or a second tool at the same data while the app is stopped.
import path from "node:path";
import { DataDirInUseError, startEmbeddedPostgres } from "../lib/db/embedded";
import { envVar } from "../lib/env";

try {
  const pg = await startEmbeddedPostgres({
    dataDir: path.resolve(envVar("DATA_DIR"), "pg"),
    port: "PORT" in process.env ? envVar("PORT") : 5433, // its own default port
  });
  // The URL without its password (a secret): the password is in the file named.
  const shown = new URL(pg.url);
  shown.password = "";
  console.log(`embedded PostgreSQL listening: ${shown} (user postgres, password in ${pg.passwordFile})`);
  const stop = async () => {
    await pg.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
} catch (e) {
  if (e instanceof DataDirInUseError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
