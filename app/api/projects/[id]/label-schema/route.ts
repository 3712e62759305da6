import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { labelSchemaInput } from "@/lib/labeling/label-schema";
import { updateLabelSchema } from "@/lib/labeling/label-schema-store";
import { idParams } from "@/lib/validation/id";

export const PUT = route(
  { permission: "projects.manage", auth: "either", scope: "projects:write", params: idParams, body: labelSchemaInput, maxBytes: 64_000 },
  async ({ user, params, body }) => ({
    labelSchema: await updateLabelSchema(db, user, params.id, body),
  }),
);
