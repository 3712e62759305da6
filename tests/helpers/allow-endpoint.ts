// Adds an entry to the endpoint allow-list (Admin → Settings) without replacing what other test
// files, running at the same time on the same database, have added: one atomic statement.
import { db } from "../../lib/db";
import { ENDPOINT_ALLOW_LIST } from "../../lib/settings";

export async function allowEndpointHost(entry: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "AppSetting" (key, value) VALUES (${ENDPOINT_ALLOW_LIST}, jsonb_build_object('hosts', jsonb_build_array(${entry}::text)))
    ON CONFLICT (key) DO UPDATE SET value = jsonb_build_object('hosts', COALESCE("AppSetting".value->'hosts', '[]'::jsonb) || to_jsonb(${entry}::text)), "updatedAt" = now()`;
}
