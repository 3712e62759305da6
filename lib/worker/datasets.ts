// Export snapshots turned into what each trainer reads, written into the run's folder: SFT lines as
// {messages}, pretraining text (the project's prompts and demonstrations, or an export's, plus the
// built-in demo corpus), and the files of reward-model and PPO exports as they are.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { db } from "../db";
import { DEMO_CORPUS } from "../demo/corpus";
import { exportsRoot } from "../exports/store";

type Msg = { role: "system" | "user" | "assistant"; content: string };
type ExportFileRow = { name: string; rows?: number };

export type ExportSplits = { kind: string; train: string[]; validation: string[] };

/** The JSONL files of an export by split (a split with no rows is left out). */
export async function exportSplits(exportId: string): Promise<ExportSplits> {
  const e = await db.export.findUnique({ where: { id: exportId }, select: { kind: true, files: true } });
  if (!e) throw new Error("The run's dataset export no longer exists.");
  const files = (e.files as ExportFileRow[]).filter((f) => f.name.endsWith(".jsonl") && (f.rows ?? 1) > 0);
  const at = (split: string) => files.filter((f) => f.name === `${split}.jsonl`).map((f) => path.join(exportsRoot(), exportId, f.name));
  const out = { kind: e.kind, train: at("train"), validation: at("validation") };
  for (const f of [...out.train, ...out.validation]) if (!fs.existsSync(f)) throw new Error(`The export file ${f} is missing from storage.`);
  return out;
}

const lines = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** One SFT export line as a chat: {messages} as is; {prompt, completion} as a user turn and the answer. */
function sftChat(j: Record<string, unknown>): Msg[] {
  if (Array.isArray(j.messages)) return j.messages as Msg[];
  if (typeof j.prompt === "string" && typeof j.completion === "string")
    return [
      { role: "user", content: j.prompt },
      { role: "assistant", content: j.completion.replace(/^ /, "") },
    ];
  throw new Error("An SFT export line has neither messages nor prompt and completion.");
}

/** Writes `rows` as JSONL under a temporary name, then renames it into place. */
function writeJsonl(file: string, rows: unknown[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

function writeText(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** SFT data for trainLM: train (and validation, when the export has one) as {messages} JSONL. */
export async function sftData(exportId: string, dir: string): Promise<{ data: string[]; valData: string[] }> {
  const s = await exportSplits(exportId);
  const convert = (files: string[], name: string) => {
    const rows = files.flatMap((f) => lines(f).map((j) => ({ messages: sftChat(j) })));
    return rows.length ? [writeJsonl(path.join(dir, "data", name), rows)] : [];
  };
  const data = convert(s.train, "sft-train.jsonl");
  if (!data.length) throw new Error("The dataset has no training rows.");
  return { data, valData: convert(s.validation, "sft-validation.jsonl") };
}

const chatText = (messages: readonly Msg[]) => messages.map((m) => m.content.trim()).join("\n\n");

/** The project's text: its prompts and their demonstrations, one paragraph each. */
async function projectText(projectId: string): Promise<string[]> {
  const prompts = await db.prompt.findMany({
    where: { projectId },
    orderBy: { createdAt: "asc" },
    select: { messages: true, demonstrations: { select: { text: true }, orderBy: { createdAt: "asc" } } },
  });
  return prompts.map((p) => [chatText(p.messages as Msg[]), ...p.demonstrations.map((d) => d.text.trim())].join("\n\n"));
}

/** Pretraining text: the export's (or else the project's) prompts and answers, plus the demo corpus. */
export async function pretrainText(opts: { exportId: string | null; projectId: string | null }, dir: string): Promise<string> {
  const docs: string[] = [];
  if (opts.exportId) {
    const s = await exportSplits(opts.exportId);
    for (const f of [...s.train, ...s.validation]) {
      for (const j of lines(f)) {
        if (s.kind === "sft") docs.push(chatText(sftChat(j)));
        else if (typeof j.prompt === "string") docs.push(j.prompt);
        else if (Array.isArray(j.prompt)) docs.push(chatText(j.prompt as Msg[]));
        else if (Array.isArray(j.messages)) docs.push(chatText(j.messages as Msg[]));
      }
    }
  } else if (opts.projectId) docs.push(...(await projectText(opts.projectId)));
  docs.push(DEMO_CORPUS);
  return writeText(path.join(dir, "data", "pretrain.txt"), docs.join("\n\n") + "\n");
}
