// A tiny policy checkpoint for the generation tests: PRESETS.tiny, the byte tokenizer, trained
// with trainLM for a handful of SFT steps on a few lines, and registered as a ModelArtifact.
import fs from "node:fs";
import path from "node:path";
import { trainLM } from "../../ml/index";
import { db } from "../../lib/db";

export async function trainTinyPolicy(dir: string): Promise<string> {
  const data = path.join(dir, "sft.jsonl");
  const lines = Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `hi ${i}`, response: `hello ${i}!` }));
  fs.writeFileSync(data, lines.join("\n"));
  const out = path.join(dir, "tiny-sft");
  await trainLM({
    mode: "sft",
    model: "tiny",
    data: [data],
    out,
    steps: 8,
    batchSize: 4,
    seqLen: 32,
    warmupSteps: 1,
    maxLr: 3e-3,
    minLr: 3e-4,
    evalEvery: 0,
    saveEvery: 0,
    threads: 1,
    valFraction: 0.1,
  });
  return out;
}

export async function registerArtifact(kind: "base" | "sft" | "reward_model" | "ppo", name: string, dir: string, parentId?: string) {
  const a = await db.modelArtifact.create({ data: { kind, name, path: dir, parentId, metrics: { val_loss: 1.5 } }, select: { id: true } });
  return a.id;
}
