// Streams a query's rows in batches through a server-side cursor (DECLARE / FETCH) on a client that
// is inside a transaction: constant memory whatever the table size. The next batch is fetched while
// the caller works on the current one.
import type pg from "pg";
import type { Query } from "./queries";

let cursors = 0;

export async function* cursorBatches<R>(client: pg.ClientBase, query: Query, batchSize = 5000): AsyncGenerator<R[]> {
  const name = `export_cursor_${++cursors}`;
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${query.text}`, query.values);
  const fetch = (): Promise<pg.QueryResult> => client.query(`FETCH ${batchSize} FROM ${name}`);
  try {
    let next: Promise<pg.QueryResult> | null = fetch();
    while (next) {
      const rows: unknown[] = (await next).rows;
      next = rows.length === batchSize ? fetch() : null;
      if (rows.length > 0) yield rows as R[];
    }
  } finally {
    await client.query(`CLOSE ${name}`).catch(() => {});
  }
}
