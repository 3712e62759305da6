import { z } from "zod";
import { IMPORT_FORMATS } from "../imports/format";
import { PREFERENCE_LAYOUTS } from "../imports/preference-records";

export const importQuery = z
  .object({
    /** prompts, answer sets to rank, or preferences: an existing preference dataset imported as rankings. */
    kind: z.enum(["prompts", "answers", "preferences"]),
    format: z.enum([...IMPORT_FORMATS, "parquet"]),
    /** Preferences only: the file's layout; detected from its first record (or a Parquet file's columns) when left out. */
    layout: z.enum(PREFERENCE_LAYOUTS).optional(),
    fileName: z.string().max(255).optional(),
  })
  .refine((q) => q.format !== "parquet" || q.kind === "preferences", {
    path: ["format"],
    message: "Parquet files can be imported as preferences (kind=preferences); prompts and answer sets come as JSONL, JSON or CSV",
  });

/** Largest import accepted, in bytes. The file is streamed, so this bounds time, not memory. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
