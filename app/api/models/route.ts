// GET /api/models: every checkpoint with its lineage links and metrics.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { listArtifacts } from "@/lib/models/artifacts";

export const GET = route({ permission: "runs.read" }, async () => ({ models: await listArtifacts(db) }));
