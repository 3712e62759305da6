// Promoting a policy checkpoint as a project's answer generator (Project.generatorId). A reward
// model scores answers but cannot write them, so it is refused.
import "server-only";
import { z } from "zod";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { POLICY_KINDS, type ArtifactKind } from "./artifacts";
import { isId } from "../validation/id";

export const promoteInput = z.object({
  /** The checkpoint to promote; null clears the project's generator. */
  artifactId: z.guid({ error: "must be a checkpoint id" }).nullable(),
});
export type PromoteInput = z.infer<typeof promoteInput>;

export async function promoteGenerator(db: Db, user: SessionUser, projectId: string, input: PromoteInput) {
  const project = isId(projectId) ? await db.project.findUnique({ where: { id: projectId }, select: { id: true } }) : null;
  if (!project) throw notFound("That project");
  if (input.artifactId) {
    const a = await db.modelArtifact.findUnique({ where: { id: input.artifactId }, select: { kind: true } });
    if (!a) throw notFound("The checkpoint");
    if (!POLICY_KINDS.includes(a.kind as ArtifactKind))
      throw new AppError("unprocessable", "A reward model scores answers but cannot write them: promote a base, SFT or PPO checkpoint.");
  }
  return db.$transaction(async (tx) => {
    const updated = await tx.project.update({
      where: { id: project.id },
      data: { generatorId: input.artifactId },
      select: { id: true, generatorId: true },
    });
    await audit(
      tx,
      user.id,
      input.artifactId ? "project.generator.promote" : "project.generator.clear",
      { type: "project", id: project.id },
      { artifactId: input.artifactId },
    );
    return updated;
  });
}
