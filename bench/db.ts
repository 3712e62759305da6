// A throwaway database for a benchmark: a fresh database on the DATABASE_URL server (dropped
// afterwards), or an in-process embedded PGlite. Migrations applied.
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

export type BenchDb = { url: string; engine: "postgresql" | "pglite"; drop: () => Promise<void> };

export async function benchDatabase(name: string): Promise<BenchDb> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const embedded = await startEmbeddedPostgres({});
    await migrate(embedded.url, { log: () => {} });
    return { url: embedded.url, engine: "pglite", drop: embedded.stop };
  }
  const dbName = `bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  await migrate(url.toString(), { log: () => {} });
  return {
    url: url.toString(),
    engine: "postgresql",
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
