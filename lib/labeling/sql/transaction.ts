// One transaction on one pooled connection: BEGIN, the work, COMMIT; ROLLBACK on any error. The
// labeling hot paths run their plain SQL through this (see ../queue.ts and ../submit.ts).
import "server-only";
import type pg from "pg";
import { addTiming, timed } from "../../server-timing";

export type SqlClient = pg.PoolClient;

/**
 * A statement. With a name it is prepared: parsed once per connection, then only bound and
 * executed. Without one it is planned for its parameters on every run, for a query whose best
 * plan depends on them (PICK in ./next-task.ts).
 */
export type Statement = { name?: string; text: string };

export async function inTransaction<T>(pool: pg.Pool, work: (c: SqlClient) => Promise<T>): Promise<T> {
  const c = await timed("pool", () => pool.connect());
  const t0 = performance.now();
  let broken: Error | undefined;
  try {
    await timed("sql", () => c.query("BEGIN"));
    const out = await work(c);
    await timed("sql", () => c.query("COMMIT"));
    return out;
  } catch (e) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    await c.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw e;
  } finally {
    c.release(broken);
    addTiming("tx", performance.now() - t0);
  }
}

/** Runs a prepared statement (in a transaction, or on any pooled connection) and returns its rows. */
export async function run<R extends pg.QueryResultRow>(c: SqlClient | pg.Pool, s: Statement, values: unknown[]): Promise<R[]> {
  return (await timed("sql", () => c.query<R>({ name: s.name, text: s.text, values }))).rows;
}

/** The one row of a statement that always returns a row (INSERT … RETURNING, an aggregate); throws if it returned none. */
export async function runOne<R extends pg.QueryResultRow>(c: SqlClient | pg.Pool, s: Statement, values: unknown[]): Promise<R> {
  const [row] = await run<R>(c, s, values);
  if (row === undefined) throw new Error(`The statement ${s.name ?? s.text.slice(0, 40)} returned no row.`);
  return row;
}

/** PostgreSQL's unique_violation on the named constraint. */
export const isUniqueViolation = (e: unknown, constraint: string) =>
  e instanceof Error && (e as { code?: string }).code === "23505" && (e as { constraint?: string }).constraint === constraint;
