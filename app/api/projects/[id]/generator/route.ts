// PUT /api/projects/{id}/generator { artifactId | null }: promote a policy checkpoint as the
// project's answer generator (a reward model is refused), or clear it.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { promoteGenerator, promoteInput } from "@/lib/models/promote";
import { idParams } from "@/lib/validation/id";

export const PUT = route({ permission: "runs.create", params: idParams, body: promoteInput }, async ({ user, params, body }) => ({
  project: await promoteGenerator(db, user, params.id, body),
}));
