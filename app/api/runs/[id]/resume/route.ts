import { route } from "@/lib/http/handler";
import { resumeRun } from "@/lib/runs/control";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "runs.create", body: "none", params: idParams }, async ({ user, params }) => resumeRun(user, params.id));
