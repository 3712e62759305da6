// One checkpoint as the registry shows it: its row, its lineage chain and its files.
import "server-only";
import type { Db } from "../db";
import { artifactFiles, findArtifact, lineageChain, listArtifacts } from "./artifacts";

export async function artifactDetail(db: Db, id: string) {
  const { view, dir } = await findArtifact(db, id);
  const all = await listArtifacts(db);
  return { model: view, lineage: lineageChain(all, view.id), files: artifactFiles(dir, view.kind) };
}
