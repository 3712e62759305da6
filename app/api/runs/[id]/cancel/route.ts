import { route } from "@/lib/http/handler";
import { cancelRun } from "@/lib/runs/control";

export const POST = route<{ id: string }>({ permission: "runs.create", body: "none" }, async ({ user, params }) => cancelRun(user, params.id));
