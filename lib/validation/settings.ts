import { z } from "zod";

/** The allow-list of hosts OpenAI-compatible endpoints may be on, one entry per line (lib/generation/endpoint-guard.ts). */
export const endpointAllowListInput = z.object({
  hosts: z.array(z.string().trim().max(253, "An entry is at most 253 characters.")).max(200, "The allow-list holds at most 200 entries."),
});
export type EndpointAllowListInput = z.infer<typeof endpointAllowListInput>;
