// The SQL each export kind streams, built from the validated filters. Every query orders by prompt,
// so rows of one prompt arrive together (one rendering and one split lookup per prompt).
import type { CreateExportInput } from "../validation/export";

export type Query = { text: string; values: unknown[] };

/** Collects WHERE conditions with numbered parameters. */
class Where {
  private readonly parts: string[] = [];
  /** Pass another Where's values to number parameters of a subquery after its own. */
  constructor(readonly values: unknown[] = []) {}
  param(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  add(sql: string) {
    this.parts.push(sql);
  }
  toString() {
    return this.parts.length ? `WHERE ${this.parts.join(" AND ")}` : "";
  }
}

/** Project, labeler lists and labelers who asked to be left out; `at` is the labeled time. */
function labelFilters(w: Where, f: CreateExportInput, cols: { project: string; labeler: string; at: string }) {
  w.add(`NOT u."excludeFromExports"`);
  if (f.projectId) w.add(`${cols.project} = ${w.param(f.projectId)}::uuid`);
  if (f.from) w.add(`${cols.at} >= ${w.param(f.from)}`);
  if (f.to) w.add(`${cols.at} < ${w.param(f.to)}`);
  if (f.labelers.include.length) w.add(`${cols.labeler} = ANY(${w.param(f.labelers.include)}::uuid[])`);
  if (f.labelers.exclude.length) w.add(`${cols.labeler} <> ALL(${w.param(f.labelers.exclude)}::uuid[])`);
}

/**
 * The margin a pair exports: Llama 2's margin for a pairwise comparison with a preference strength
 * (lib/ranking/strength.ts: significantly 3, better 2, slightly 1, negligibly / unsure 0), else the
 * tier distance (0 for a tie).
 */
const MARGIN = `CASE c.strength WHEN 'significantly' THEN 3 WHEN 'better' THEN 2 WHEN 'slightly' THEN 1 WHEN 'negligibly' THEN 0 ELSE c.margin END`;

/** Gold tasks measure labelers; their rankings are never training data (nor counted in export agreement). */
const NOT_GOLD = `t.gold IS NULL`;

const PROMPT_COLS = `p.id AS "promptId", p.messages::text AS messages, p.format::text AS format, p."contentHash"`;

/**
 * Reward-model pairs, one row per ranking: its answers' texts once (a JSON object completion id →
 * text) and its Comparison rows that pass the filters (a JSON list of [chosenId, rejectedId, margin]).
 * Sending each text once per ranking instead of once per pair keeps the stream small.
 * `agreedTasks`: restrict to the temp table of tasks that passed the agreement minimum.
 */
export function comparisonsQuery(f: CreateExportInput, agreedTasks: string | null): Query {
  const w = new Where();
  labelFilters(w, { ...f, from: undefined, to: undefined }, { project: `t."projectId"`, labeler: `r."labelerId"`, at: "" });
  w.add(NOT_GOLD);
  if (agreedTasks) w.add(`r."taskId" IN (SELECT id FROM ${agreedTasks})`);
  const c = new Where(w.values);
  c.add(`c."rankingId" = r.id`);
  if (f.from) c.add(`c."createdAt" >= ${c.param(f.from)}`);
  if (f.to) c.add(`c."createdAt" < ${c.param(f.to)}`);
  if (!f.includeTies) c.add(`NOT c.tie`);
  if (f.excludeFlags.length) {
    const flags = c.param(f.excludeFlags);
    c.add(`NOT EXISTS (SELECT 1 FROM "RankingAnswer" a WHERE a."rankingId" = c."rankingId"
      AND a."completionId" IN (c."chosenId", c."rejectedId") AND a.flags && ${flags}::text[])`);
  }
  let sourceJoin = "";
  if (f.sourceModels.length) {
    const s = c.param(f.sourceModels);
    sourceJoin = `JOIN "Completion" ch ON ch.id = c."chosenId" JOIN "Completion" rj ON rj.id = c."rejectedId"`;
    for (const a of ["ch", "rj"]) c.add(`(${a}."sourceName" = ANY(${s}::text[]) OR ${a}.source::text = ANY(${s}::text[]))`);
  }
  return {
    text: `SELECT ${PROMPT_COLS}, r.id AS "rankingId", r."labelerId",
        (SELECT json_object_agg(tc."completionId", co.text)::text
           FROM "TaskCompletion" tc JOIN "Completion" co ON co.id = tc."completionId"
          WHERE tc."taskId" = r."taskId") AS texts,
        (SELECT json_agg(json_build_array(c."chosenId", c."rejectedId", ${MARGIN}, c.tie) ORDER BY c.id)::text
           FROM "Comparison" c ${sourceJoin} ${c}) AS pairs
      FROM "Ranking" r
      JOIN "User" u ON u.id = r."labelerId"
      JOIN "Task" t ON t.id = r."taskId"
      JOIN "Prompt" p ON p.id = t."promptId"
      ${w} ORDER BY p.id, r.id`,
    values: w.values,
  };
}

/** Whole rankings with their answers in display order (text, Likert, flags, source). */
export function rankingsQuery(f: CreateExportInput, agreedTasks: string | null): Query {
  const w = new Where();
  labelFilters(w, f, { project: `t."projectId"`, labeler: `r."labelerId"`, at: `r."createdAt"` });
  w.add(NOT_GOLD);
  if (agreedTasks) w.add(`r."taskId" IN (SELECT id FROM ${agreedTasks})`);
  return {
    text: `SELECT ${PROMPT_COLS}, r.id AS "rankingId", r."labelerId", r.tiers::text AS tiers, r."timeSpentMs", r.rationale,
        (SELECT c.strength::text FROM "Comparison" c WHERE c."rankingId" = r.id AND c.strength IS NOT NULL LIMIT 1) AS strength,
        (SELECT json_agg(json_build_object('text', co.text, 'likert', ra.likert, 'flags', ra.flags, 'ratings', ra.ratings,
                 'source', co.source, 'sourceName', co."sourceName") ORDER BY tc.position)::text
           FROM "TaskCompletion" tc
           JOIN "Completion" co ON co.id = tc."completionId"
           LEFT JOIN "RankingAnswer" ra ON ra."rankingId" = r.id AND ra."completionId" = tc."completionId"
          WHERE tc."taskId" = r."taskId") AS answers
      FROM "Ranking" r
      JOIN "User" u ON u.id = r."labelerId"
      JOIN "Task" t ON t.id = r."taskId"
      JOIN "Prompt" p ON p.id = t."promptId"
      ${w} ORDER BY p.id, r."createdAt", r.id`,
    values: w.values,
  };
}

export function demonstrationsQuery(f: CreateExportInput): Query {
  const w = new Where();
  labelFilters(w, f, { project: `p."projectId"`, labeler: `d."authorId"`, at: `d."createdAt"` });
  return {
    text: `SELECT ${PROMPT_COLS}, d."authorId" AS "labelerId", d.text
      FROM "Demonstration" d
      JOIN "User" u ON u.id = d."authorId"
      JOIN "Prompt" p ON p.id = d."promptId"
      ${w} ORDER BY p.id, d."createdAt", d.id`,
    values: w.values,
  };
}

/** PPO prompts: the project's prompts (labeler, agreement, flag and source filters do not apply). */
export function promptsQuery(f: CreateExportInput): Query {
  const w = new Where();
  if (f.projectId) w.add(`p."projectId" = ${w.param(f.projectId)}::uuid`);
  if (f.from) w.add(`p."createdAt" >= ${w.param(f.from)}`);
  if (f.to) w.add(`p."createdAt" < ${w.param(f.to)}`);
  return { text: `SELECT ${PROMPT_COLS} FROM "Prompt" p ${w} ORDER BY p.id`, values: w.values };
}

/** Rankings of eligible labelers, grouped by task, for per-task agreement. */
export function agreementQuery(f: CreateExportInput): Query {
  const w = new Where();
  labelFilters(w, { ...f, from: undefined, to: undefined }, { project: `t."projectId"`, labeler: `r."labelerId"`, at: "" });
  w.add(NOT_GOLD);
  return {
    text: `SELECT r."taskId", r."labelerId", r.tiers::text AS tiers
      FROM "Ranking" r JOIN "User" u ON u.id = r."labelerId" JOIN "Task" t ON t.id = r."taskId"
      ${w} ORDER BY r."taskId"`,
    values: w.values,
  };
}
