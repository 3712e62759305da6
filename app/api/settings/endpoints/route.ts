import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { endpointAllowList, setEndpointAllowList } from "@/lib/settings";
import { endpointAllowListInput } from "@/lib/validation/settings";

// The allow-list of hosts that generate runs' OpenAI-compatible endpoints may be on.
export const GET = route({ permission: "settings.manage" }, async () => ({ hosts: await endpointAllowList(db) }));

export const PUT = route({ permission: "settings.manage", body: endpointAllowListInput }, async ({ user, body }) => ({
  hosts: await setEndpointAllowList(db, user, body),
}));
