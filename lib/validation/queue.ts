import { z } from "zod";
import { TASK_KIND_IDS } from "../labeling/task-kinds";

export const nextTaskInput = z.object({
  projectId: z.uuid().optional(),
  kind: z.enum(TASK_KIND_IDS).optional(),
  /** Tasks not to hand out: the one on screen, when the page prefetches the next task. */
  exclude: z.array(z.uuid()).max(4).optional(),
});
