// POST /api/models/{id}/hub {repo, private}: push the checkpoint to a model repository (admins; HUB_PUSH=1).
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { pushModel } from "@/lib/hub/push";
import { hubPushInput } from "@/lib/validation/hub";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "settings.manage", params: idParams, body: hubPushInput }, async ({ user, params, body }) => ({
  push: await pushModel(db, user, params.id, body),
}));
