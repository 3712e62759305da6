// A randomly initialised GPT-2-shaped model folder in Hugging Face's layout, written by the tests
// (nothing is downloaded): config.json, model.safetensors (the project's own writer, with the
// `transformer.` prefix and the attention-mask buffers a transformers export has) and a GPT-2
// byte-level BPE tokenizer of 256 byte symbols, 3 merges and <|endoftext|> (260 tokens).
import fs from "node:fs";
import path from "node:path";
import { hfConfig } from "../../ml/checkpoint/checkpoint";
import { encodeSafetensors, type NamedTensor } from "../../ml/checkpoint/safetensors";
import type { GPTConfig } from "../../ml/model/config";
import { gptTensorShapes } from "../../ml/model/gpt";
import { initGPT } from "../../ml/model/init";
import { bytesToUnicode } from "../../ml/tokenizer/bpe";

const FOLDER_TOKENS = 260;
export const FOLDER_CONFIG: GPTConfig = { vocabSize: FOLDER_TOKENS, nCtx: 512, nEmbd: 32, nLayer: 2, nHead: 2, layerNormEpsilon: 1e-5 };

export type FolderOptions = {
  config?: Partial<GPTConfig>;
  /** The dropout config.json declares (resid_pdrop, embd_pdrop, attn_pdrop), as Hugging Face's gpt2 does (0.1). */
  dropout?: number;
  /** "files": vocab.json + merges.txt (default); "json": tokenizer.json. */
  tokenizer?: "files" | "json" | "none";
  /** Change the tensors before they are written (drop one, reshape one, add one). */
  tensors?: (t: Record<string, NamedTensor>) => void;
  merges?: string;
  seed?: number;
};

function gpt2Vocab(): Record<string, number> {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((c, i) => (vocab[c] = i));
  vocab["Ġt"] = 256;
  vocab["he"] = 257;
  vocab["Ġthe"] = 258;
  vocab["<|endoftext|>"] = 259;
  return vocab;
}

const MERGES = "#version: 0.2\nĠ t\nh e\nĠt he\n";

const withDropout = (j: Record<string, unknown>, p: number | undefined) => (p === undefined ? j : { ...j, resid_pdrop: p, embd_pdrop: p, attn_pdrop: p });

/** Writes the folder at `dir` (created) and returns it. */
export function writeGpt2Folder(dir: string, o: FolderOptions = {}): string {
  const config = { ...FOLDER_CONFIG, ...o.config };
  fs.mkdirSync(dir, { recursive: true });
  const params = initGPT(config, o.seed ?? 1);
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, shape] of gptTensorShapes(config)) tensors[`transformer.${name}`] = { data: params[name], shape };
  for (let l = 0; l < config.nLayer; l++) tensors[`transformer.h.${l}.attn.bias`] = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
  o.tensors?.(tensors);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(withDropout(hfConfig(config, { bos: 259, eos: 259 }), o.dropout), null, 2));
  fs.writeFileSync(path.join(dir, "model.safetensors"), encodeSafetensors(tensors));
  const merges = o.merges ?? MERGES;
  if ((o.tokenizer ?? "files") === "files") {
    fs.writeFileSync(path.join(dir, "vocab.json"), JSON.stringify(gpt2Vocab()));
    fs.writeFileSync(path.join(dir, "merges.txt"), merges);
  } else if (o.tokenizer === "json") {
    const lines = merges.split("\n").filter((l) => l && !l.startsWith("#"));
    fs.writeFileSync(
      path.join(dir, "tokenizer.json"),
      JSON.stringify({ model: { type: "BPE", vocab: gpt2Vocab(), merges: lines }, added_tokens: [{ id: 259, content: "<|endoftext|>" }] }),
    );
  }
  return dir;
}
