// GET /api/models/{id}: one checkpoint, its lineage chain (base → ... → it) and its files.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { artifactDetail } from "@/lib/models/detail";

export const GET = route<{ id: string }>({ permission: "runs.read" }, async ({ params }) => artifactDetail(db, params.id));
