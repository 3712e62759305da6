// POST /api/v1/models/import {path, name}: import a model folder under the server's import folder.
import { importModelOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const POST = serve(importModelOp, "token");
