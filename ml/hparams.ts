// Hyperparameter tables: each trainer declares its fields once (type, default, range, unit, a
// one-line doc, and whether the browser shows it), and everything else is derived from the table:
// the config's TypeScript type, the defaults, the trainer's validation, and (in lib/runs/kinds.ts)
// the new-run form's zod schema. One table, so the form and the trainer cannot disagree.

import { ConfigError } from './model/config';

/** Where a field appears in the browser: the new-run form's main list, folded under "Advanced", or not at all. */
export type Visibility = 'basic' | 'advanced' | 'hidden';

/** One end of a range; exclusive ends are written (0, … and …, 1). */
export interface Bound {
  value: number;
  inclusive: boolean;
}

interface FieldBase {
  /** Short label for forms and the run page ("Peak learning rate"). */
  label: string;
  /** One line: what the field does (the form's help text, the run page's tooltip). */
  doc: string;
  /** Unit of the value when it has one ("tokens", "steps", "nats"). */
  unit?: string;
  show: Visibility;
  /** May be left out (no default); the trainer then does without it. */
  optional?: boolean;
}

export interface NumberField extends FieldBase {
  type: 'int' | 'number';
  default?: number;
  min?: Bound;
  max?: Bound;
  /** Said after the range in the trainer's refusal, e.g. why the bound exists. */
  why?: string;
  /** Bounded above by this other field's value too (minLr by maxLr); `max` stays the static bound. */
  maxField?: string;
}

interface BoolField extends FieldBase {
  type: 'bool';
  default: boolean;
}

interface EnumField extends FieldBase {
  type: 'enum';
  options: readonly string[];
  default: string;
}

export type FieldSpec = NumberField | BoolField | EnumField;
export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** Range helpers for the tables: atLeast(0), above(0), atMost(1), below(1). */
export const atLeast = (value: number): Bound => ({ value, inclusive: true });
export const above = (value: number): Bound => ({ value, inclusive: false });
export const atMost = atLeast;
export const below = above;

type ValueOf<F> = F extends { type: 'int' | 'number' }
  ? number
  : F extends { type: 'bool' }
    ? boolean
    : F extends { type: 'enum'; options: readonly (infer O)[] }
      ? O
      : never;

/** The config type a table describes: optional fields may be absent. */
export type ConfigOf<T extends FieldTable> = {
  -readonly [K in keyof T as T[K] extends { optional: true } ? never : K]: ValueOf<T[K]>;
} & {
  -readonly [K in keyof T as T[K] extends { optional: true } ? K : never]?: ValueOf<T[K]>;
};

/** The table's defaults (optional fields without one are left out). */
export function defaultsOf<T extends FieldTable>(table: T): ConfigOf<T> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(table)) if (f.default !== undefined) out[name] = f.default;
  return out as ConfigOf<T>;
}

const fmt = (v: number) => (v === 2 ** 31 - 1 ? '2^31 - 1' : String(v));

/** What the trainer says a field must be: "must be an integer >= 1", "must be in (0, 1]", "must be > 0". */
export function requirement(f: FieldSpec, v?: unknown): string {
  if (f.type === 'bool') return 'must be true or false';
  if (f.type === 'enum') return `must be ${f.options.length === 2 ? f.options.map((o) => JSON.stringify(o)).join(' or ') : `one of ${f.options.join(', ')}`}`;
  const why = f.why ? ` ${f.why}` : '';
  const { min, max } = f;
  if (f.type === 'int') {
    // name the bound that was crossed: "must be an integer >= 1", "must be an integer <= 64"
    if (max && typeof v === 'number' && Number.isInteger(v) && (min === undefined || v >= min.value)) return `must be an integer <= ${fmt(max.value)}${why}`;
    return min ? `must be an integer >= ${fmt(min.value)}${why}` : `must be an integer${why}`;
  }
  if (f.maxField) return `must be in ${min?.inclusive === false ? '(' : '['}${fmt(min?.value ?? -Infinity)}, ${f.maxField}]${why}`;
  if (min && max) return `must be in ${min.inclusive ? '[' : '('}${fmt(min.value)}, ${fmt(max.value)}${max.inclusive ? ']' : ')'}${why}`;
  if (min) return `must be ${min.inclusive ? '>=' : '>'} ${fmt(min.value)}${why}`;
  if (max) return `must be ${max.inclusive ? '<=' : '<'} ${fmt(max.value)}${why}`;
  return `must be a number${why}`;
}

/** Whether `v` is a value the field takes. */
export function fieldAccepts(f: FieldSpec, v: unknown): boolean {
  if (v === undefined) return f.optional === true;
  if (f.type === 'bool') return typeof v === 'boolean';
  if (f.type === 'enum') return typeof v === 'string' && f.options.includes(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (f.type === 'int' && !Number.isInteger(v)) return false;
  if (f.min && (f.min.inclusive ? v < f.min.value : v <= f.min.value)) return false;
  if (f.max && (f.max.inclusive ? v > f.max.value : v >= f.max.value)) return false;
  return true;
}

/**
 * Checks every field of the table in `config`, in the table's order; the first bad one is a
 * ConfigError naming it: "<prefix>: <field> must be …, got <value>".
 */
export function checkFields(prefix: string, table: FieldTable, config: Record<string, unknown>): void {
  for (const [name, f] of Object.entries(table)) {
    const v = config[name];
    const over = f.type !== 'bool' && f.type !== 'enum' && f.maxField !== undefined && typeof v === 'number' && v > (config[f.maxField] as number);
    if (!fieldAccepts(f, v) || over) throw new ConfigError(`${prefix}: ${name} ${requirement(f, v)}, got ${JSON.stringify(v)}`);
  }
}

/** Fields every trainer has. */
export const SEED = {
  type: 'int',
  default: 1337,
  min: atLeast(0),
  max: atMost(2 ** 31 - 1),
  show: 'advanced',
  label: 'Seed',
  doc: 'Random seed: initialisation, data order and sampling.',
} as const satisfies FieldSpec;
export const THREADS = {
  type: 'int',
  default: 2,
  min: atLeast(1),
  max: atMost(64),
  show: 'advanced',
  label: 'Threads',
  doc: 'Intra-op threads of the onnxruntime session on the worker.',
} as const satisfies FieldSpec;
export const RESUME = {
  type: 'bool',
  default: false,
  show: 'hidden',
  label: 'Resume',
  doc: 'Continue from the checkpoint in the output folder when it holds training state.',
} as const satisfies FieldSpec;
export const WORKER = {
  type: 'bool',
  default: true,
  show: 'hidden',
  label: 'Worker thread',
  doc: "Run the engine in a worker thread (the caller's event loop stays free).",
} as const satisfies FieldSpec;
export const OVERLONG = (dflt: 'truncate' | 'skip', why: string) =>
  ({
    type: 'enum',
    options: ['truncate', 'skip'],
    default: dflt,
    show: 'advanced',
    label: 'Responses too long',
    doc: `A response too long for the sequence length even with the prompt cut to its markers: cut at its end (truncate) or left out (skip). ${why}`,
  }) as const satisfies FieldSpec;
export const MAX_OVERLONG_SHARE = {
  type: 'number',
  default: 0.25,
  min: atLeast(0),
  max: atMost(1),
  show: 'advanced',
  label: 'Most data that may lose response tokens',
  doc: 'Refuse to start when more than this share of the examples would lose response tokens (cut or skipped).',
} as const satisfies FieldSpec;

/**
 * AdamW with linear warmup and cosine decay: the optimizer fields the supervised trainers share
 * (pretrain/SFT, reward model, and those that follow), with each trainer's own defaults.
 */
export const cosineAdamWFields = (d: { maxLr: number; minLr: number; warmupSteps: number; weightDecay: number; maxLrDoc: string }) =>
  ({
    maxLr: {
      type: 'number',
      default: d.maxLr,
      min: above(0),
      max: below(1),
      show: 'basic',
      label: 'Peak learning rate',
      doc: d.maxLrDoc,
    },
    minLr: {
      type: 'number',
      default: d.minLr,
      min: atLeast(0),
      max: below(1),
      maxField: 'maxLr',
      show: 'advanced',
      label: 'Final learning rate',
      doc: 'Learning rate at the end of the cosine decay (at most the peak).',
    },
    warmupSteps: {
      type: 'int',
      default: d.warmupSteps,
      min: atLeast(0),
      max: atMost(100_000),
      unit: 'steps',
      show: 'advanced',
      label: 'Warmup steps',
      doc: 'Steps of linear warmup from 0 to the peak learning rate.',
    },
    weightDecay: {
      type: 'number',
      default: d.weightDecay,
      min: atLeast(0),
      max: atMost(1),
      show: 'advanced',
      label: 'Weight decay',
      doc: 'AdamW weight decay on matrices and embeddings.',
    },
    maxGradNorm: {
      type: 'number',
      default: 1,
      min: atLeast(0),
      max: atMost(100),
      show: 'advanced',
      label: 'Max gradient norm',
      doc: "Clip the gradient's global norm to this (0: no clipping).",
    },
  }) as const satisfies FieldTable;

/**
 * The data fields the preference trainers share (reward model, DPO): both read whole-ranking export
 * lines or TRL pairs, batch a whole ranking (all its pairs) or one pair as one element, and fit the
 * answers of a prompt to one sequence length by one truncation policy, held out by prompt.
 * `batchNote` adds what a trainer changes about an element (DPO can split rankings into pairs).
 */
export const rankingDataFields = (d: { formatDoc: string; batchNote?: string }) =>
  ({
    format: {
      type: 'enum',
      options: ['rankings', 'pairs'],
      default: 'rankings',
      show: 'hidden',
      label: 'Data format',
      doc: d.formatDoc,
    },
    epochs: {
      type: 'int',
      default: 1,
      min: atLeast(1),
      max: atMost(100),
      unit: 'epochs',
      show: 'basic',
      label: 'Epochs',
      doc: 'Passes over the rankings, or pairs (InstructGPT: 1; more overfits).',
    },
    batchSize: {
      type: 'int',
      default: 8,
      min: atLeast(1),
      max: atMost(256),
      unit: 'rankings',
      show: 'basic',
      label: 'Batch size',
      doc: `Batch elements per optimizer step: whole rankings (all their pairs together) with the rankings format, single pairs with the pairs format.${d.batchNote ? ` ${d.batchNote}` : ''}`,
    },
    seqLen: {
      type: 'int',
      default: 0,
      min: atLeast(0),
      max: atMost(4096),
      unit: 'tokens',
      show: 'basic',
      label: 'Sequence length',
      doc: "Longest prompt + response + eos (0: the model's context); longer prompts are cut from the left, the answers of one prompt alike.",
    },
    // 'skip' (the default) leaves a response that does not fit beside the minimal prompt out with its
    // comparisons: a truncated answer is not the answer the labeler ranked, and a reward model reads
    // its reward at the eos it would lose; 'truncate' cuts it at the end.
    overlong: OVERLONG('skip', 'Default skip: a cut answer is not the answer the labelers ranked.'),
    maxOverlongShare: MAX_OVERLONG_SHARE,
    valFraction: {
      type: 'number',
      default: 0.1,
      min: atLeast(0),
      max: below(1),
      show: 'advanced',
      label: 'Validation fraction',
      doc: 'Share of the prompts (all their rankings) held out when the dataset has no validation split.',
    },
  }) as const satisfies FieldTable;
