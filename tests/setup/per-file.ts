import { inject } from "vitest";

// The database URL comes from global-setup (DATABASE_URL, or an in-process PGlite).
process.env.DATABASE_URL = inject("databaseUrl");

// Password hashes at scrypt N=2^15 instead of the production 2^17: the suite makes a few hundred
// users, and 4x the cost each is minutes on two cores. tests/auth/password-cost.test.ts checks the
// production cost explicitly.
process.env.PASSWORD_HASH_LOG2N ??= "15";
