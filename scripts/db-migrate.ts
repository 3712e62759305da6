// npm run db:migrate: applies pending migrations to DATABASE_URL, or to the embedded database.
import path from "node:path";
import { assertReachable } from "../lib/db/check";
import { DataDirInUseError, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { envVar } from "../lib/env";

let url = envVar("DATABASE_URL");
let stop = async () => {};
if (!url) {
  try {
    const pg = await startEmbeddedPostgres({ dataDir: path.resolve(envVar("DATA_DIR"), "pg") });
    url = pg.url;
    stop = pg.stop;
  } catch (e) {
    if (e instanceof DataDirInUseError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
} else await assertReachable(url);
const applied = await migrate(url);
console.log(applied.length ? `applied ${applied.length} migration(s)` : "the database is up to date: nothing to apply");
await stop();
