import { inject } from "vitest";

// The database URL comes from global-setup (DATABASE_URL, or an in-process PGlite).
process.env.DATABASE_URL = inject("databaseUrl");
