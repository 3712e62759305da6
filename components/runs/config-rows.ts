// The run page's config view, outside React: each stored field with its label, unit and one-line
// doc from the kind's field table (the trainer's table in ml/), in the table's order; fields the
// table does not describe (rewardId, the generate request) follow under their own names.
import { RUN_KINDS, type RunKind } from "@/lib/runs/kinds";
import { plainNumber } from "./format";

export type ConfigRow = { name: string; label: string; unit?: string; doc?: string; value: string };

export function configRows(kind: string, config: Record<string, unknown>): ConfigRow[] {
  const fields = RUN_KINDS[kind as RunKind]?.fields ?? {};
  const text = (v: unknown) => (typeof v === "number" ? plainNumber(v) : typeof v === "string" ? v : JSON.stringify(v));
  const rows: ConfigRow[] = [];
  for (const [name, f] of Object.entries(fields)) {
    if (config[name] === undefined) continue;
    rows.push({ name, label: f.label, unit: f.unit, doc: f.doc, value: text(config[name]) });
  }
  for (const [name, v] of Object.entries(config)) if (!(name in fields) && v !== undefined) rows.push({ name, label: name, value: text(v) });
  return rows;
}
