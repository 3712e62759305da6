// The Hugging Face Hub settings (admins): GET whether pushes are on and a token is stored (never the
// token), PUT {token} stores it encrypted, DELETE removes it.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { clearHubToken, hubStatus, setHubToken } from "@/lib/hub/token";
import { hubTokenInput } from "@/lib/validation/hub";

export const GET = route({ permission: "settings.manage" }, async () => ({ hub: await hubStatus(db) }));

export const PUT = route({ permission: "settings.manage", body: hubTokenInput }, async ({ user, body }) => ({ hub: await setHubToken(db, user, body) }));

export const DELETE = route({ permission: "settings.manage" }, async ({ user }) => ({ hub: await clearHubToken(db, user) }));
