// The dataset card (README.md) written next to every export: YAML front matter the Hugging Face Hub
// reads (license, task_categories, size_categories, configs/data_files per split), then prose.
import type { LabelSchema } from "../labeling/label-schema";
import { ExportError } from "./errors";
import type { Split } from "./split";

export type CardInput = {
  /** Shown as the title and pretty_name. */
  name: string;
  description?: string;
  /** An SPDX-style id the Hub knows, e.g. "cc-by-4.0", "apache-2.0", "other". */
  license: string;
  /** What a row is, in one line (e.g. "TRL preference pairs: prompt, chosen, rejected"). */
  layout: string;
  /** Default ["text-generation"]. */
  taskCategories?: string[];
  files: { split: Split; path: string; rows: number }[];
  fields: { name: string; type: string; description: string }[];
  counts: { prompts: number; labelers: number; rankings?: number; comparisons?: number; demonstrations?: number };
  /** How rows were split (default: by a hash of the prompt, so no prompt is in two splits). */
  splitMethod?: string;
  /** The project's label guidelines (markdown), quoted verbatim. */
  guidelines?: string;
  /** Which labels the rows carry (all, consensus, reviewed where available), one or two sentences. */
  labels?: string;
  /** The project's label schema: the flags, rating axes and rationale rule its labelers used. */
  labelSchema?: LabelSchema;
  agreement?: { pairwiseRate: number | null; sharedPairs: number; labelerPairs?: number; krippendorffAlpha?: number | null };
  createdAt: Date;
  /** YAML lines put before `configs` (the Parquet export's `dataset_info`: features and splits). */
  datasetInfo?: string[];
  /** One line after the splits table (e.g. where the same rows are as JSON Lines). */
  filesNote?: string;
};

const SPLIT_ORDER: Split[] = ["train", "validation", "test"];

/** The Hub's size_categories bucket for a row count. */
export function sizeCategory(rows: number): string {
  const buckets: [number, string][] = [
    [1e3, "n<1K"],
    [1e4, "1K<n<10K"],
    [1e5, "10K<n<100K"],
    [1e6, "100K<n<1M"],
    [1e7, "1M<n<10M"],
    [1e8, "10M<n<100M"],
    [1e9, "100M<n<1B"],
  ];
  return buckets.find(([limit]) => rows < limit)?.[1] ?? "n>1T";
}

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** README.md text for an export. */
export function datasetCard(input: CardInput): string {
  if (!/^[a-z0-9][a-z0-9.+-]*$/.test(input.license))
    throw new ExportError("bad_row", `"${input.license}" is not a license id the Hub understands (e.g. "cc-by-4.0" or "other").`);
  const files = [...input.files].sort((a, b) => SPLIT_ORDER.indexOf(a.split) - SPLIT_ORDER.indexOf(b.split));
  const splits = new Set<Split>();
  for (const f of files) {
    if (splits.has(f.split)) throw new ExportError("bad_row", `The ${f.split} split is listed twice.`);
    splits.add(f.split);
  }
  const totalRows = files.reduce((n, f) => n + f.rows, 0);
  const categories = input.taskCategories ?? ["text-generation"];

  const yaml = [
    "---",
    `license: ${input.license}`,
    `pretty_name: ${yamlString(input.name)}`,
    "task_categories:",
    ...categories.map((c) => `- ${c}`),
    "tags:",
    "- rlhf",
    "- human-feedback",
    "size_categories:",
    `- ${sizeCategory(totalRows)}`,
    ...(input.datasetInfo ?? []),
    "configs:",
    "- config_name: default",
    "  data_files:",
    ...files.flatMap((f) => [`  - split: ${f.split}`, `    path: ${yamlString(f.path)}`]),
    "---",
  ];

  const c = input.counts;
  const countRows: [string, number | undefined][] = [
    ["Rows", totalRows],
    ["Prompts", c.prompts],
    ["Demonstrations", c.demonstrations],
    ["Rankings", c.rankings],
    ["Pairwise comparisons", c.comparisons],
    ["Labelers", c.labelers],
  ];
  const a = input.agreement;
  const agreement = !a
    ? ["Agreement was not computed for this export."]
    : a.pairwiseRate === null
      ? ["No task was ranked by two labelers, so agreement cannot be measured."]
      : [
          `- Pairwise agreement: ${percent(a.pairwiseRate)} over ${a.sharedPairs} answer pairs ranked by two labelers` +
            (a.labelerPairs !== undefined ? ` (${a.labelerPairs} labeler pairs)` : "") +
            ". A pair agrees when both labelers order it the same way; a tie agrees only with a tie.",
          ...(a.krippendorffAlpha !== undefined
            ? [
                `- Krippendorff's alpha (ordinal, on average ranks): ${a.krippendorffAlpha === null ? "undefined (no variation)" : a.krippendorffAlpha.toFixed(3)}.`,
              ]
            : []),
        ];

  const body = [
    `# ${input.name}`,
    "",
    ...(input.description ? [input.description, ""] : []),
    "## What this is",
    "",
    `Human feedback collected with RLHF Studio (InstructGPT recipe). Each row: ${input.layout}.`,
    `Exported ${input.createdAt.toISOString()}.`,
    "",
    ...(input.labels ? ["## Labels", "", input.labels, ""] : []),
    "## How many",
    "",
    "| | Count |",
    "|---|---|",
    ...countRows.filter(([, n]) => n !== undefined).map(([label, n]) => `| ${label} | ${n} |`),
    "",
    "## Splits",
    "",
    "| Split | File | Rows |",
    "|---|---|---|",
    ...files.map((f) => `| ${f.split} | ${cell(f.path)} | ${f.rows} |`),
    "",
    ...(input.filesNote ? [input.filesNote, ""] : []),
    input.splitMethod ?? "Rows are split by a hash of the prompt, so every row of one prompt is in the same split.",
    "",
    "## Fields",
    "",
    "| Field | Type | Description |",
    "|---|---|---|",
    ...input.fields.map((f) => `| \`${cell(f.name)}\` | ${cell(f.type)} | ${cell(f.description)} |`),
    "",
    ...(input.labelSchema ? labelSchemaSection(input.labelSchema) : []),
    "## Labeling guidelines",
    "",
    input.guidelines?.trim() ? input.guidelines.trim() : "No guidelines were written for this project.",
    "",
    "## Agreement",
    "",
    ...agreement,
    "",
  ];
  return [...yaml, "", ...body].join("\n");
}

/** The label schema as the card describes it: where each part is in the rows. */
function labelSchemaSection(s: LabelSchema): string[] {
  return [
    "## Label schema",
    "",
    "Flags labelers could set on an answer (`flags` in whole-ranking rows; flagged answers can be left out of pairs at export):",
    "",
    ...(s.flags.length ? s.flags.map((f) => `- \`${cell(f.id)}\`: ${cell(f.label)}`) : ["- none"]),
    "",
    "Rating axes each answer could be scored on (whole-ranking rows: `quality` in `likert`, the others in `ratings`):",
    "",
    ...(s.ratings.length ? s.ratings.map((a) => `- \`${cell(a.id)}\`: ${cell(a.label)}, ${a.min} to ${a.max}`) : ["- none"]),
    "",
    s.rationale === "off"
      ? "Labelers gave no rationale with their rankings."
      : `A free-text rationale per ranking was ${s.rationale} (\`rationale\` in whole-ranking rows). Preference pairs have no room for these fields (TRL's layout).`,
    "",
  ];
}
