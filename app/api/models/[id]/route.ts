// GET /api/models/{id}: one checkpoint, its lineage chain (base → ... → it) and its files.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { artifactDetail } from "@/lib/models/detail";
import { idParams } from "@/lib/validation/id";

export const GET = route({ permission: "runs.read", params: idParams }, async ({ params }) => artifactDetail(db, params.id));
