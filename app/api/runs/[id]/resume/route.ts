import { route } from "@/lib/http/handler";
import { resumeRun } from "@/lib/runs/control";

export const POST = route<{ id: string }>({ permission: "runs.create", body: "none" }, async ({ user, params }) => resumeRun(user, params.id));
