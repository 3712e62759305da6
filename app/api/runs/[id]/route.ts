import { route } from "@/lib/http/handler";
import { getRun } from "@/lib/runs/queries";
import { idParams } from "@/lib/validation/id";

export const GET = route({ permission: "runs.read", params: idParams }, async ({ params }) => ({ run: await getRun(params.id) }));
