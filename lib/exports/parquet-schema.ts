// The Parquet schema of an export layout and its Hugging Face `features`, both from the layout's
// field table (layouts.ts): one entry per field type, so a layout never names a Parquet type itself.
import type { SchemaElement } from "hyparquet-writer";
import { ExportError } from "./errors";

type Field = { name: string; type: string; optional?: true };

/** A Parquet column: its schema elements (the column first) and how one row's value is turned into what the writer takes. */
type Column = { elements: (name: string) => SchemaElement[]; convert: (v: unknown) => unknown; feature: string[] };

const utf8 = (name: string, repetition: "REQUIRED" | "OPTIONAL" = "REQUIRED"): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  repetition_type: repetition,
});
const int64 = (name: string, repetition: "REQUIRED" | "OPTIONAL" = "REQUIRED"): SchemaElement => ({ name, type: "INT64", repetition_type: repetition });

/** The standard three-level list: `optional group name (LIST) { repeated group list { <element> } }`. */
const list = (name: string, element: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ...element,
];

const big = (v: unknown) => (v === null || v === undefined ? v : BigInt(v as number));
const same = (v: unknown) => v;
const msgs = (v: unknown) => (v as { role: string; content: string }[]).map((m) => ({ role: m.role, content: m.content }));

/** The layouts' type names (layouts.ts) → a Parquet column and its `features` entry in the dataset card's YAML. */
const COLUMNS: Record<string, Column> = {
  string: { elements: (n) => [utf8(n)], convert: same, feature: ["dtype: string"] },
  int: { elements: (n) => [int64(n)], convert: big, feature: ["dtype: int64"] },
  float: { elements: (n) => [{ name: n, type: "DOUBLE", repetition_type: "REQUIRED" }], convert: Number, feature: ["dtype: float64"] },
  bool: { elements: (n) => [{ name: n, type: "BOOLEAN", repetition_type: "REQUIRED" }], convert: same, feature: ["dtype: bool"] },
  "list of {role, content}": {
    elements: (n) => list(n, [{ name: "element", repetition_type: "OPTIONAL", num_children: 2 }, utf8("role", "OPTIONAL"), utf8("content", "OPTIONAL")]),
    convert: msgs,
    feature: ["list:", "- name: role", "  dtype: string", "- name: content", "  dtype: string"],
  },
  "list of string": { elements: (n) => list(n, [utf8("element", "OPTIONAL")]), convert: same, feature: ["sequence: string"] },
  "list of int|null": {
    elements: (n) => list(n, [int64("element", "OPTIONAL")]),
    convert: (v) => (v as (number | null)[]).map(big),
    feature: ["sequence: int64"],
  },
  "list of list of int": {
    elements: (n) => list(n, list("element", [int64("element", "OPTIONAL")])),
    convert: (v) => (v as number[][]).map((t) => t.map(big)),
    feature: ["sequence:", "  sequence: int64"],
  },
  // per-response scores on a project's own rating axes: keys differ by project, so one JSON string
  "list of {axis: int}": { elements: (n) => [utf8(n)], convert: (v) => JSON.stringify(v), feature: ["dtype: string"] },
  "list of list of string": {
    elements: (n) => list(n, list("element", [utf8("element", "OPTIONAL")])),
    convert: same,
    feature: ["sequence:", "  sequence: string"],
  },
};

function columnOf(f: Field): Column {
  const c = COLUMNS[f.type];
  if (!c) throw new ExportError("bad_row", `The field ${f.name} has the type "${f.type}", which has no Parquet column.`);
  if (!f.optional) return c;
  // only on some rows: the column may hold nulls (a list column's outer group already may)
  return {
    elements: (n) => c.elements(n).map((e, i) => (i === 0 ? { ...e, repetition_type: "OPTIONAL" as const } : e)),
    convert: (v) => (v === undefined || v === null ? null : c.convert(v)),
    feature: c.feature,
  };
}

/** The file schema: the root, then every field's elements in layout order. */
export function parquetSchema(fields: readonly Field[]): SchemaElement[] {
  return [{ name: "root", num_children: fields.length }, ...fields.flatMap((f) => columnOf(f).elements(f.name))];
}

/** One converter per field, in layout order: a row's value → what the Parquet writer takes. */
export function parquetConverters(fields: readonly Field[]): ((v: unknown) => unknown)[] {
  return fields.map((f) => columnOf(f).convert);
}

/** The card's `dataset_info` YAML: features in layout order, and each split's rows and bytes. */
export function datasetInfoYaml(fields: readonly Field[], splits: { split: string; rows: number; bytes: number }[]): string[] {
  const features = fields.flatMap((f) => {
    const [first, ...rest] = columnOf(f).feature;
    return [`  - name: ${f.name}`, `    ${first}`, ...rest.map((l) => `    ${l}`)];
  });
  const bytes = splits.reduce((n, s) => n + s.bytes, 0);
  return [
    "dataset_info:",
    "  features:",
    ...features,
    "  splits:",
    ...splits.flatMap((s) => [`  - name: ${s.split}`, `    num_bytes: ${s.bytes}`, `    num_examples: ${s.rows}`]),
    `  download_size: ${bytes}`,
    `  dataset_size: ${bytes}`,
  ];
}
