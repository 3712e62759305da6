import { describe, expect, it } from "vitest";
import { datasetCard, sizeCategory, type CardInput } from "../../lib/exports/card";

const input: CardInput = {
  name: 'Helpful "v1" preferences',
  description: "Pairs from the support-bot project.",
  license: "cc-by-4.0",
  layout: "TRL preference pairs (prompt, chosen, rejected)",
  files: [
    { split: "validation", path: "data/validation.jsonl", rows: 120 },
    { split: "train", path: "data/train.jsonl", rows: 1080 },
  ],
  fields: [
    { name: "prompt", type: "string", description: "The prompt | rendered as text" },
    { name: "chosen", type: "string", description: "The preferred answer" },
  ],
  counts: { prompts: 300, labelers: 5, rankings: 600, comparisons: 1200 },
  guidelines: "## Be honest\nPrefer true answers.",
  agreement: { pairwiseRate: 0.7312, sharedPairs: 540, labelerPairs: 90, krippendorffAlpha: 0.6184 },
  createdAt: new Date("2025-03-01T12:00:00Z"),
};

function frontMatter(card: string): string {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(card);
  expect(m).not.toBeNull();
  return m![1];
}

describe("datasetCard", () => {
  it("starts with YAML front matter the Hub reads, splits in train/validation/test order", () => {
    const yaml = frontMatter(datasetCard(input));
    expect(yaml).toBe(
      [
        "license: cc-by-4.0",
        'pretty_name: "Helpful \\"v1\\" preferences"',
        "task_categories:",
        "- text-generation",
        "tags:",
        "- rlhf",
        "- human-feedback",
        "size_categories:",
        "- 1K<n<10K",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        '    path: "data/train.jsonl"',
        "  - split: validation",
        '    path: "data/validation.jsonl"',
      ].join("\n"),
    );
  });
  it("describes counts, splits, fields, guidelines and agreement", () => {
    const card = datasetCard(input);
    expect(card).toContain('# Helpful "v1" preferences');
    expect(card).toContain("| Rows | 1200 |");
    expect(card).toContain("| Pairwise comparisons | 1200 |");
    expect(card).not.toContain("| Demonstrations |");
    expect(card).toContain("| train | data/train.jsonl | 1080 |");
    expect(card).toContain("| `prompt` | string | The prompt \\| rendered as text |");
    expect(card).toContain("## Labeling guidelines\n\n## Be honest\nPrefer true answers.");
    expect(card).toContain("Pairwise agreement: 73.1% over 540 answer pairs ranked by two labelers (90 labeler pairs).");
    expect(card).toContain("Krippendorff's alpha (ordinal, on average ranks): 0.618.");
    expect(card).toContain("Exported 2025-03-01T12:00:00.000Z.");
  });
  it("says so when agreement cannot be measured or guidelines are missing", () => {
    const card = datasetCard({ ...input, guidelines: " ", agreement: { pairwiseRate: null, sharedPairs: 0 } });
    expect(card).toContain("No task was ranked by two labelers");
    expect(card).toContain("No guidelines were written for this project.");
  });
  it("refuses an unknown license id and a split listed twice", () => {
    expect(() => datasetCard({ ...input, license: "CC BY 4.0" })).toThrow(/is not a license id/);
    expect(() => datasetCard({ ...input, files: [input.files[1], input.files[1]] })).toThrow("The train split is listed twice.");
  });
  it("buckets sizes like the Hub", () => {
    expect([0, 999, 1000, 99_999, 100_000, 2_000_000].map(sizeCategory)).toEqual(["n<1K", "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M"]);
  });
});
