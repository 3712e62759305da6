import { z } from "zod";
import { IMPORT_FORMATS } from "../imports/format";

export const importQuery = z.object({
  kind: z.enum(["prompts", "answers"]),
  format: z.enum(IMPORT_FORMATS),
  fileName: z.string().max(255).optional(),
});

/** Largest import accepted, in bytes. The file is streamed, so this bounds time, not memory. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
