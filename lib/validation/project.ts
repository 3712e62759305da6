import { z } from "zod";

export const projectSettings = z.object({
  name: z.string().trim().min(1, "Give the project a name").max(120),
  description: z.string().max(2000).default(""),
  guidelines: z.string().max(100_000).default(""),
  answersPerTask: z.number().int().min(2, "K must be at least 2").max(9, "K must be at most 9").default(4),
  rankingsPerTask: z.number().int().min(1).max(20).default(2),
  demonstrationsPerPrompt: z.number().int().min(0).max(20).default(1),
  leaseMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  editLockHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24),
  minDemonstrationChars: z.number().int().min(1).max(100_000).default(1),
  maxDemonstrationChars: z.number().int().min(1).max(100_000).default(20_000),
  /** Seconds a labeler may take back their last submission (Ctrl+Z); 0 turns undo off. */
  undoSeconds: z.number().int().min(0).max(600, "Undo can last at most 600 seconds").default(30),
  /** One hand-out in this many is a gold task; 0 hands out none. */
  goldEvery: z.number().int().min(0).max(1000).default(20),
  /** Gold accuracy (0..1) under which a labeler's labels leave the exports; null: never. */
  goldMinAccuracy: z.number().min(0).max(1).nullable().default(null),
});
export type ProjectSettings = z.infer<typeof projectSettings>;
export const createProjectInput = projectSettings.extend({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "The slug must be lowercase letters, digits and dashes")
    .optional(),
  /** Who joins the new project: every user who is not disabled (default), or only its creator (admins see every project anyway). */
  members: z.enum(["everyone", "creator"]).default("everyone"),
});
export const updateProjectInput = projectSettings.partial();
