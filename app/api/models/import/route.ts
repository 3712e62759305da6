// POST /api/models/import {path, name}: import a GPT-2 model folder that lies under the server's
// import folder (MODEL_IMPORT_DIR); validated before anything is registered.
import { importModelOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const POST = serve(importModelOp, "either");
