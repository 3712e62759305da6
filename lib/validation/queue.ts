import { z } from "zod";

export const nextTaskInput = z.object({
  projectId: z.uuid().optional(),
  kind: z.enum(["demonstration", "ranking"]).optional(),
});
