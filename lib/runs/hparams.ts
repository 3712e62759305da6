// The run kinds' hyperparameters as field tables (ml/hparams.ts): the trainers' tables from ml/,
// filtered to what the browser shows, plus the app's own fields written the same way; and the
// zod schema a table makes (the same ranges, exclusive ends included, as the trainer checks).
import { z } from "zod";
import type { ConfigOf, FieldSpec, FieldTable } from "../../ml/browser";

/** The fields of a trainer's table the browser shows (basic and advanced), less those named. */
export type Shown<T extends FieldTable, Omit extends string = never> = {
  [K in keyof T as T[K] extends { show: "hidden" } ? never : K extends Omit ? never : K]: T[K];
};

export function shown<T extends FieldTable, O extends string = never>(table: T, omit: readonly O[] = []): Shown<T, O> {
  return Object.fromEntries(Object.entries(table).filter(([k, f]) => f.show !== "hidden" && !(omit as readonly string[]).includes(k))) as Shown<T, O>;
}

/** One field's zod schema: its type, its range (exclusive ends as gt/lt), optional when it may be left out. */
function zodField(f: FieldSpec): z.ZodType {
  let s: z.ZodType;
  if (f.type === "bool") s = z.boolean();
  else if (f.type === "enum") s = z.enum(f.options as [string, ...string[]]);
  else {
    let n = f.type === "int" ? z.number().int() : z.number();
    if (f.min) n = f.min.inclusive ? n.min(f.min.value) : n.gt(f.min.value);
    if (f.max) n = f.max.inclusive ? n.max(f.max.value) : n.lt(f.max.value);
    s = n;
  }
  return (f.optional ? s.optional() : s).describe(f.doc);
}

/** The zod object of a table; what it parses is the table's config type. */
export function zodObject<T extends FieldTable>(table: T): z.ZodObject<Record<keyof T & string, z.ZodType>> & z.ZodType<ConfigOf<T>> {
  const shape = Object.fromEntries(Object.entries(table).map(([k, f]) => [k, zodField(f)]));
  return z.object(shape) as never;
}
