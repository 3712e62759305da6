// One transaction on one pooled connection: BEGIN, the work, COMMIT; ROLLBACK on any error. The
// labeling hot paths run their plain SQL through this (see ../queue.ts and ../submit.ts), most of it
// in one round trip (inOneTrip): every round trip inside a transaction keeps its row locks, its
// pooled connection and (on the embedded database) the one database session for as long as this
// process takes to answer it, and under load that is the wait for a busy event loop.
import "server-only";
import type pg from "pg";
import { addTiming, countTrip, timed } from "../../server-timing";

export type SqlClient = pg.PoolClient;

/**
 * A statement. With a name it is prepared: parsed once per connection, then only bound and
 * executed. Without one it is planned for its parameters on every run.
 */
export type Statement = { name?: string; text: string };

export async function inTransaction<T>(pool: pg.Pool, work: (c: SqlClient) => Promise<T>): Promise<T> {
  const c = await timed("pool", () => pool.connect());
  const t0 = performance.now();
  let broken: Error | undefined;
  try {
    await timed("sql", () => c.query("BEGIN"));
    countTrip();
    const out = await work(c);
    await timed("sql", () => c.query("COMMIT"));
    countTrip();
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
  countTrip();
  return (await timed("sql", () => c.query<R>({ name: s.name, text: s.text, values }))).rows;
}

/** A statement with its parameters, for inOneTrip. */
type Step = { statement: Statement; values: unknown[] };

type Rows<T extends readonly Step[]> = { [I in keyof T]: pg.QueryResultRow[] };

/**
 * Runs statements in one transaction and one round trip: BEGIN, the statements and COMMIT are
 * written to the connection together (node-postgres's pipeline mode, switched on for this
 * connection while they run) and answered together. The database still runs them one after the
 * other, each starting once the one before has ended, so each reads a snapshot taken then: a
 * statement after one that waited for a row lock sees everything committed before the lock was
 * ours, as it would in a transaction sent one statement at a time. What a later statement needs
 * of an earlier one's result, it reads from the transaction (a setting the earlier one made:
 * ./next-task.ts), not from this process. Returns each statement's rows. If one fails, those after
 * it fail too (the transaction is aborted), COMMIT answers ROLLBACK, and the first error is thrown.
 */
export async function inOneTrip<const T extends readonly Step[]>(pool: pg.Pool, steps: T): Promise<Rows<T>> {
  const c = await timed("pool", () => pool.connect());
  const client = c as SqlClient & { pipeline: boolean; getTransactionStatus(): string | null };
  const t0 = performance.now();
  const wasPipelined = client.pipeline;
  client.pipeline = true;
  let broken: Error | undefined;
  try {
    // Corked, so that they leave in one write (each query uncorks only its own cork).
    const stream = (c as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
    stream?.cork?.();
    let sent: Promise<pg.QueryResult>[];
    try {
      sent = [c.query("BEGIN"), ...steps.map((s) => c.query({ name: s.statement.name, text: s.statement.text, values: s.values })), c.query("COMMIT")];
    } finally {
      stream?.uncork?.();
    }
    const answers = await timed("sql", () => Promise.allSettled(sent));
    countTrip();
    const failed = answers.find((a) => a.status === "rejected");
    if (failed) throw failed.reason;
    return answers.slice(1, -1).map((a) => (a as PromiseFulfilledResult<pg.QueryResult>).value.rows) as unknown as Rows<T>;
  } catch (e) {
    // Normally already rolled back (COMMIT of an aborted transaction does); a connection whose
    // transaction is still open, or that cannot answer, is dropped from the pool, not reused.
    if (client.getTransactionStatus() !== "I") await c.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.pipeline = wasPipelined;
    c.release(broken);
    addTiming("tx", performance.now() - t0);
  }
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
