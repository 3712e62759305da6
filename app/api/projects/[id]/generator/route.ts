// PUT /api/projects/{id}/generator { artifactId | null }: promote a policy checkpoint as the
// project's answer generator (a reward model is refused), or clear it.
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { promoteGenerator, promoteInput } from "@/lib/models/promote";

export const PUT = route<{ id: string }>({ permission: "runs.create" }, async ({ req, user, params }) => ({
  project: await promoteGenerator(db, user, params.id, await readJson(req, promoteInput)),
}));
