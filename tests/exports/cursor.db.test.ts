// The export's cursor (lib/exports/cursor.ts), which asks for the next batch while the current one
// is worked on: every row once and in order whatever the count against the batch size, and a
// failure in the batch asked for ahead is thrown where that batch is reached, once, with no
// unhandled rejection on the way (which killed the export's child process before it could answer
// in one sentence).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cursorBatches } from "../../lib/exports/cursor";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await client.connect();
});
afterAll(() => client.end());

async function collect(n: number, batch: number, slow = false): Promise<number[]> {
  await client.query("BEGIN");
  const seen: number[] = [];
  try {
    for await (const rows of cursorBatches<{ i: number }>(client, { text: "SELECT i FROM generate_series(1, $1::int) i ORDER BY i", values: [n] }, batch)) {
      expect(rows.length).toBeLessThanOrEqual(batch);
      seen.push(...rows.map((r) => r.i));
      if (slow) await new Promise((r) => setTimeout(r, 5)); // the caller slower than the database: batches wait ahead
    }
  } finally {
    await client.query("COMMIT");
  }
  return seen;
}

describe("cursorBatches", () => {
  it("gives every row once, in order, for counts below, at and past multiples of the batch", async () => {
    for (const [n, batch] of [
      [0, 10],
      [7, 10],
      [10, 10],
      [20, 10],
      [21, 10],
      [1000, 7],
    ] as const) {
      expect(await collect(n, batch), `${n} rows in batches of ${batch}`).toEqual(Array.from({ length: n }, (_, k) => k + 1));
    }
    expect(await collect(95, 10, true)).toEqual(Array.from({ length: 95 }, (_, k) => k + 1));
  });

  it("throws a failure in a batch asked for ahead where that batch is reached, once, and leaves the client usable", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    await client.query("BEGIN");
    const seen: number[] = [];
    let error: unknown;
    try {
      // row 35 divides by zero: the fourth batch of 10 fails while the third is being worked on
      for await (const rows of cursorBatches<{ x: number }>(client, { text: "SELECT 100 / (35 - i) AS x FROM generate_series(1, 100) i", values: [] }, 10)) {
        seen.push(...rows.map((r) => r.x));
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch (e) {
      error = e;
    }
    await client.query("ROLLBACK");
    await new Promise((r) => setTimeout(r, 50));
    process.off("unhandledRejection", onUnhandled);
    expect(String(error)).toMatch(/division by zero/);
    expect(seen.length).toBe(30); // the three whole batches before it
    expect(unhandled).toEqual([]);
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
  });
});
