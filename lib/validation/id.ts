// The one id schema: every record id is a PostgreSQL uuid (8-4-4-4-12 hex digits, any version, as
// the database accepts it; zod's guid). Route path parameters, bodies and lib/ functions all check
// ids with this, so no file carries its own UUID regex.
import { z } from "zod";

/** A record id. */
export const id = z.guid({ error: "must be an id" });

/** True when `s` is shaped like a record id (a lookup with anything else finds nothing). */
export const isId = (s: string): boolean => id.safeParse(s).success;

/** `{ id }` path parameters: /things/[id]. */
export const idParams = z.object({ id });
