import { describe, expect, it } from "vitest";
import { fileGroupOf, groupFiles } from "../../components/models/file-groups";

describe("a checkpoint's files, grouped", () => {
  it("puts the weights and config with the model, the tokenizer files together, optimizer and trainer state apart", () => {
    expect(["model.safetensors", "config.json", "generation_config.json", "model.onnx"].map(fileGroupOf)).toEqual(["model", "model", "model", "model"]);
    expect(
      ["tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json"].map(fileGroupOf).every((g) => g === "tokenizer"),
    ).toBe(true);
    expect(["optimizer.safetensors", "trainer_state.json"].map(fileGroupOf)).toEqual(["training", "training"]);
  });

  it("orders the groups model, tokenizer, training state with their sizes, leaving empty groups out", () => {
    const g = groupFiles([
      { name: "trainer_state.json", bytes: 10 },
      { name: "model.safetensors", bytes: 1000 },
      { name: "optimizer.safetensors", bytes: 2000 },
      { name: "model.onnx", bytes: null },
    ]);
    expect(g.map((x) => [x.id, x.files.map((f) => f.name), x.bytes])).toEqual([
      ["model", ["model.safetensors", "model.onnx"], 1000],
      ["training", ["trainer_state.json", "optimizer.safetensors"], 2010],
    ]);
  });
});
