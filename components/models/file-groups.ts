// A checkpoint's files in three groups, as a user thinks of them: what runs the model, its
// tokenizer, and what only resuming training needs (optimizer moments, trainer state).

export type FileGroupId = "model" | "tokenizer" | "training";
const FILE_GROUP_LABEL: Record<FileGroupId, string> = {
  model: "Model",
  tokenizer: "Tokenizer",
  training: "Training state (to resume)",
};

const TOKENIZER = /^(tokenizer[^/]*|vocab\.json|merges\.txt|special_tokens_map\.json)$/;
const TRAINING = /^(optimizer[^/]*|trainer_state[^/]*|rng[^/]*|scheduler[^/]*|.*\.pt)$/;

export function fileGroupOf(name: string): FileGroupId {
  if (TOKENIZER.test(name)) return "tokenizer";
  if (TRAINING.test(name)) return "training";
  return "model";
}

/** The files in group order (model, tokenizer, training state), with each group's total bytes; empty groups left out. */
export function groupFiles<F extends { name: string; bytes: number | null }>(files: F[]): { id: FileGroupId; label: string; files: F[]; bytes: number }[] {
  return (Object.keys(FILE_GROUP_LABEL) as FileGroupId[])
    .map((id) => {
      const list = files.filter((f) => fileGroupOf(f.name) === id);
      return { id, label: FILE_GROUP_LABEL[id], files: list, bytes: list.reduce((n, f) => n + (f.bytes ?? 0), 0) };
    })
    .filter((g) => g.files.length > 0);
}
