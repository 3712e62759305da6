// POST /api/models/{id}/hub {repo, private}: start pushing the checkpoint to a model repository
// (admins; HUB_PUSH=1). 202 with the push at once; GET /api/hub/pushes/{id} follows it.
import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { startModelPush } from "@/lib/hub/push";
import { hubPushInput } from "@/lib/validation/hub";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "settings.manage", params: idParams, body: hubPushInput }, async ({ user, params, body }) =>
  NextResponse.json({ push: await startModelPush(db, user, params.id, body) }, { status: 202 }),
);
