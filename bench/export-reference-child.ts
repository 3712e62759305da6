// Child of bench/export.ts: the reference the export is measured against, in a process of its own
// as the export's streaming is (lib/exports/stream-process.ts): the same comparison rows (one per
// pair, with both texts and the prompt) through the same kind of cursor with a bare SELECT, no
// formatting, hashing or writing. In the bench's own process its million rows would stay in that
// process's memory, which stands in for the web server's during the export.
// Prints one JSON line: { rows, seconds }.
// Usage: tsx bench/export-reference-child.ts DATABASE_URL PROJECT_ID
import pg from "pg";
import { cursorBatches } from "../lib/exports/cursor";

const [url, projectId] = process.argv.slice(2);
const reference = {
  text: `SELECT p.id, p.messages::text, p."contentHash", c."rankingId", c."labelerId", c.margin, ch.text AS chosen, rj.text AS rejected
           FROM "Comparison" c JOIN "User" u ON u.id = c."labelerId" JOIN "Task" t ON t.id = c."taskId"
           JOIN "Prompt" p ON p.id = t."promptId" JOIN "Completion" ch ON ch.id = c."chosenId" JOIN "Completion" rj ON rj.id = c."rejectedId"
          WHERE c."projectId" = $1 AND NOT u."excludeFromExports" AND NOT c.tie`,
  values: [projectId],
};
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
let rows = 0;
const t0 = performance.now();
for await (const batch of cursorBatches(client, reference, 5000)) rows += batch.length;
const seconds = (performance.now() - t0) / 1000;
await client.query("COMMIT");
await client.end();
console.log(JSON.stringify({ rows, seconds }));
