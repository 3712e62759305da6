// The one database client. PostgreSQL through pg + @prisma/adapter-pg on DATABASE_URL, whether
// that is a server or the embedded PGlite that `npm start` serves. Secret columns are omitted
// from every query unless a query asks for them explicitly.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl, envVar } from "./env";

export const OMIT_SECRETS = {
  user: { passwordHash: true },
  apiToken: { tokenHash: true },
  invite: { tokenHash: true },
  trainingRun: { secrets: true },
} as const;

function createClient() {
  // Prisma runs on the shared pool (sqlPool below); $disconnect ends it. (The cast: the adapter
  // bundles a newer @types/pg than ours; at run time both are the one `pg` package.)
  const pool = sqlPool() as unknown as ConstructorParameters<typeof PrismaPg>[0];
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Under load, waiting for a pooled connection is normal: wait for it rather than fail.
  return new PrismaClient({ adapter, omit: OMIT_SECRETS, transactionOptions: { maxWait: 30_000, timeout: 60_000 } });
}

export type Db = ReturnType<typeof createClient>;
/** A transaction client, as passed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { rlhfDb?: Db; rlhfPool?: pg.Pool };

/**
 * The one connection pool: `db` (Prisma) runs on it, and so do the few hot paths written in plain
 * SQL (lib/labeling/sql: the labeling queue and submissions).
 */
export function sqlPool(): pg.Pool {
  if (!globalForDb.rlhfPool) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: envVar("DATABASE_POOL_SIZE") });
    // An idle connection cut by the server (a restart, a failover, an idle timeout) is dropped by
    // the pool, which then emits "error": without a listener that is an uncaught exception that
    // ends the process (a worker died on every PostgreSQL restart). The next query opens a new one.
    pool.on("error", (e) => console.error(`[db] an idle database connection was closed: ${e.message}`));
    globalForDb.rlhfPool = pool;
  }
  return globalForDb.rlhfPool;
}

function client(): Db {
  return (globalForDb.rlhfDb ??= createClient());
}

/** Created on first use, so importing this module (e.g. during `next build`) needs no database. */
export const db: Db = new Proxy({} as Db, {
  get(_, prop) {
    const c = client();
    const value = Reflect.get(c, prop, c);
    return typeof value === "function" ? value.bind(c) : value;
  },
});
