import { z } from "zod";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { labelSchemaInput } from "@/lib/labeling/label-schema";
import { updateLabelSchema } from "@/lib/labeling/label-schema-store";

export const PUT = route<{ id: string }>({ permission: "projects.manage", auth: "either" }, async ({ req, user, params }) => ({
  labelSchema: await updateLabelSchema(db, user, z.uuid().parse(params.id), await readJson(req, labelSchemaInput, 64_000)),
}));
