// GET /api/hub/pushes/{id}: a Hub push's progress while it runs, its commit or its error once it ended (admins).
import { route } from "@/lib/http/handler";
import { getHubPush } from "@/lib/hub/push";
import { idParams } from "@/lib/validation/id";

export const GET = route({ permission: "settings.manage", params: idParams }, async ({ params }) => ({ push: getHubPush(params.id) }));
