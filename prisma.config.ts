import { defineConfig } from "prisma/config";

// The datasource URL is only needed by prisma's own migrate commands; the app reads
// DATABASE_URL through lib/env.ts and applies migrations with lib/db/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
