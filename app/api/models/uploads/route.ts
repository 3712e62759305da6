// POST /api/models/uploads: start uploading a model folder (then PUT each file, then finish).
import { route } from "@/lib/http/handler";
import { startUpload } from "@/lib/models/upload";

export const POST = route({ permission: "models.import", auth: "either", scope: "models:import", body: "none" }, async ({ user }) => ({ upload: startUpload(user.id) }));
