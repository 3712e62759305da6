// POST /api/exports/{id}/hub {repo, private}: push the export folder to a dataset repository (admins; HUB_PUSH=1).
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { pushExport } from "@/lib/hub/push";
import { hubPushInput } from "@/lib/validation/hub";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "settings.manage", params: idParams, body: hubPushInput }, async ({ user, params, body }) => ({
  push: await pushExport(db, user, params.id, body),
}));
