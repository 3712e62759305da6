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

/** Rankings imported from preference datasets (Ranking.importedFrom), kept, left out or alone. */
function importedFilter(w: Where, f: CreateExportInput, ranking = "r") {
  if (f.importedLabels === "exclude") w.add(`${ranking}."importedFrom" IS NULL`);
  if (f.importedLabels === "only") w.add(`${ranking}."importedFrom" IS NOT NULL`);
}

/**
 * Project, labeler lists, labelers who asked to be left out and labels a reviewer discarded; `at` is
 * the labeled time, `discard` the LabelDiscard column naming this label (e.g. `ld."rankingId" = r.id`).
 */
function labelFilters(w: Where, f: CreateExportInput, cols: { project: string; labeler: string; at: string; discard: string }) {
  w.add(`NOT u."excludeFromExports"`);
  w.add(`NOT EXISTS (SELECT 1 FROM "LabelDiscard" ld WHERE ${cols.discard})`);
  if (f.projectId) w.add(`${cols.project} = ${w.param(f.projectId)}::uuid`);
  if (f.from) w.add(`${cols.at} >= ${w.param(f.from)}`);
  if (f.to) w.add(`${cols.at} < ${w.param(f.to)}`);
  if (f.labelers.include.length) w.add(`${cols.labeler} = ANY(${w.param(f.labelers.include)}::uuid[])`);
  if (f.labelers.exclude.length) w.add(`${cols.labeler} <> ALL(${w.param(f.labelers.exclude)}::uuid[])`);
}

const RANKING_DISCARD = `ld."rankingId" = r.id`;
/**
 * The margin a pair exports: Llama 2's margin for a pairwise comparison with a preference strength
 * (lib/ranking/strength.ts: significantly 3, better 2, slightly 1, negligibly / unsure 0), else the
 * margin an imported TRL pair gave, else the tier distance (0 for a tie).
 */
const MARGIN = `CASE c.strength WHEN 'significantly' THEN 3 WHEN 'better' THEN 2 WHEN 'slightly' THEN 1 WHEN 'negligibly' THEN 0 ELSE COALESCE(c."importedMargin", c.margin) END`;

/** Gold tasks measure labelers; their rankings are never training data (nor counted in export agreement). */
const NOT_GOLD = `t.gold IS NULL`;

/** A pairwise ranking's preference strength (one comparison carries it). */
const RANKING_STRENGTH = `(SELECT c.strength::text FROM "Comparison" c WHERE c."rankingId" = r.id AND c.strength IS NOT NULL LIMIT 1) AS strength`;

const PROMPT_COLS = `p.id AS "promptId", p.messages::text AS messages, p.format::text AS format, p."contentHash"`;

/**
 * Reward-model pairs, one row per ranking: on the prompt's first exported ranking (in the stream's
 * order) the texts of the prompt's answers once (a JSON object completion id → text; null on its
 * other rankings, which reuse them), and the ranking's Comparison rows that pass the filters as
 * PAIRS_TEXT; also the ranking's tiers and whether it was imported, for the agreement figures the
 * stream computes on the way (stream.ts). Sending each text once instead of once per pair keeps the
 * stream small. The texts are looked up by prompt (one index range of Completion, whose rows of one
 * prompt lie together) rather than through the task's TaskCompletion rows (five lookups, each on a
 * random index page): on the embedded database at 1,000,000 pairs that took the query from 9.7 s
 * to 5.5 s; a pair naming an answer of another prompt fails the export in one sentence (lines.ts).
 * `agreedTasks`: restrict to the temp table of tasks that passed the agreement minimum.
 */
export function comparisonsQuery(f: CreateExportInput, agreedTasks: string | null, chosenTasks: string | null = null): Query {
  const w = new Where();
  labelFilters(w, { ...f, from: undefined, to: undefined }, { project: `t."projectId"`, labeler: `r."labelerId"`, at: "", discard: RANKING_DISCARD });
  importedFilter(w, f);
  w.add(NOT_GOLD);
  if (agreedTasks) w.add(`r."taskId" IN (SELECT id FROM ${agreedTasks})`);
  if (chosenTasks) w.add(`r."taskId" NOT IN (SELECT task_id FROM ${chosenTasks})`);
  const c = new Where(w.values);
  c.add(`c."rankingId" = x."rankingId"`);
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
  // The rankings are put in order first, narrow (the prompt's columns and the ranking's ids), and
  // each one's texts and pairs are built after that sort, on the ordered rows: sorting them with
  // their texts and pairs made the sort spill hundreds of MB to disk for a million pairs.
  // The rows of one prompt come together (ordered by ranking id): its first one has rank 1.
  const text = `SELECT x."promptId", x.messages, x.format, x."contentHash", x."rankingId", x."labelerId",
        CASE WHEN x."promptRank" = 1 THEN
          (SELECT json_object_agg(co.id, co.text)::text FROM "Completion" co WHERE co."promptId" = x."promptId") END AS texts,
        (SELECT string_agg(c."chosenId"::text || ' ' || c."rejectedId"::text || ' ' || (${MARGIN})::text || ' ' || c.tie::text, ',' ORDER BY c.id)
           FROM "Comparison" c ${sourceJoin} ${c}) AS pairs,
        x."taskId", x."rankingTiers", x.imported
      FROM (SELECT ${PROMPT_COLS}, r.id AS "rankingId", r."labelerId", r."taskId", r.tiers::text AS "rankingTiers",
                   r."importedFrom" IS NOT NULL AS imported,
                   row_number() OVER (PARTITION BY p.id ORDER BY r.id) AS "promptRank"
              FROM "Ranking" r
              JOIN "User" u ON u.id = r."labelerId"
              JOIN "Task" t ON t.id = r."taskId"
              JOIN "Prompt" p ON p.id = t."promptId"
              ${w}
             ORDER BY p.id, r.id) x`;
  if (!chosenTasks) return { text: `${text} ORDER BY x."promptId", x."rankingId"`, values: w.values };
  return {
    text: `SELECT * FROM (
        SELECT x.*, NULL::text AS tiers, NULL::text AS answers, NULL::text AS "labelSource" FROM (${text}) x
        UNION ALL
        SELECT ${PROMPT_COLS}, ch.task_id AS "rankingId", NULL::uuid AS "labelerId", NULL::text AS texts, NULL::text AS pairs, ch.task_id AS "taskId",
               NULL::text AS "rankingTiers", NULL::boolean AS imported,
               ch.tiers::text AS tiers, ${chosenAnswers("ch.task_id")} AS answers, ch.source AS "labelSource"
          FROM ${chosenTasks} ch JOIN "Task" t ON t.id = ch.task_id JOIN "Prompt" p ON p.id = t."promptId"
      ) rows ORDER BY "promptId", "rankingId"`,
    values: w.values,
  };
}

/**
 * How comparisonsQuery sends a ranking's pairs: "chosenId rejectedId margin tie" per pair (ids as
 * uuids, margin as PostgreSQL writes a float8, tie true or false), the pairs joined by commas.
 * Each id is returned as the one of `ids` (the ranked prompt's answers) it spells, matched in place:
 * cutting a million pairs' ids out of the text and looking each copy up was a tenth of the
 * reward-model export's CPU. An id that is not among them fails in one sentence.
 */
export function parsePairs(text: string, ids: readonly string[]): [chosen: string, rejected: string, margin: number, tie: boolean][] {
  const out: [string, string, number, boolean][] = [];
  for (let at = 0; at <= text.length;) {
    const comma = text.indexOf(",", at);
    const end = comma < 0 ? text.length : comma;
    const cuts = spaces(text, at, end);
    const [s1, s2, s3] = cuts as [number, number, number];
    if (cuts.length !== 3 || s1 === at || s2 === s1 + 1) throw unreadable(text, at, end); // four fields, the ids not empty
    const margin = s3 > s2 + 1 ? Number(text.slice(s2 + 1, s3)) : NaN;
    const tie = text.slice(s3 + 1, end);
    // margins are finite numbers (imports validate them): NaN or Infinity would be a broken label
    if (!Number.isFinite(margin) || (tie !== "true" && tie !== "false")) throw unreadable(text, at, end);
    out.push([idAt(text, at, s1, ids), idAt(text, s1 + 1, s2, ids), margin, tie === "true"]);
    at = end + 1;
  }
  return out;
}

/** Where the spaces between from and to are (at most four looked for). */
function spaces(text: string, from: number, to: number): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(" ", from); i >= 0 && i < to && at.length < 4; i = text.indexOf(" ", i + 1)) at.push(i);
  return at;
}

/** The one of `ids` that text[from, to) spells. */
function idAt(text: string, from: number, to: number, ids: readonly string[]): string {
  for (const id of ids) if (id.length === to - from && text.startsWith(id, from)) return id;
  throw new Error(`A stored pair names answer ${text.slice(from, to)}, which is not an answer to the ranked prompt.`);
}

const unreadable = (text: string, from: number, to: number) => new Error(`A stored pair could not be read: "${text.slice(from, to)}".`);

/**
 * A chosen (consensus or reviewed) ranking's answers in display order, as rankingsQuery's `answers`:
 * no Likert score (that is each labeler's own), and as flags every flag any kept label of the task
 * set on the answer, so the flag filter leaves out what it would leave out of the labels.
 */
const chosenAnswers = (task: string) => `(SELECT json_agg(json_build_object('text', co.text, 'likert', NULL,
      'flags', (SELECT coalesce(array_agg(DISTINCT fl ORDER BY fl), '{}') FROM "Ranking" r2
                  JOIN "RankingAnswer" ra ON ra."rankingId" = r2.id CROSS JOIN unnest(ra.flags) fl
                 WHERE r2."taskId" = ${task} AND ra."completionId" = co.id
                   AND NOT EXISTS (SELECT 1 FROM "LabelDiscard" ld WHERE ld."rankingId" = r2.id)),
      'source', co.source, 'sourceName', co."sourceName") ORDER BY tc.position)::text
     FROM "TaskCompletion" tc JOIN "Completion" co ON co.id = tc."completionId" WHERE tc."taskId" = ${task})`;

/** The rankings that pass the filters (the labels a consensus is made of), grouped by task. */
export function eligibleRankingsQuery(f: CreateExportInput, agreedTasks: string | null): Query {
  const w = new Where();
  labelFilters(w, f, { project: `t."projectId"`, labeler: `r."labelerId"`, at: `r."createdAt"`, discard: RANKING_DISCARD });
  if (agreedTasks) w.add(`r."taskId" IN (SELECT id FROM ${agreedTasks})`);
  return {
    text: `SELECT r."taskId", r."labelerId", r.tiers::text AS tiers
      FROM "Ranking" r JOIN "User" u ON u.id = r."labelerId" JOIN "Task" t ON t.id = r."taskId"
      ${w} ORDER BY r."taskId", r.id`,
    values: w.values,
  };
}

/** Whole rankings with their answers in display order (text, Likert, flags, source). */
export function rankingsQuery(f: CreateExportInput, agreedTasks: string | null, chosenTasks: string | null = null): Query {
  const w = new Where();
  labelFilters(w, f, { project: `t."projectId"`, labeler: `r."labelerId"`, at: `r."createdAt"`, discard: RANKING_DISCARD });
  importedFilter(w, f);
  w.add(NOT_GOLD);
  if (agreedTasks) w.add(`r."taskId" IN (SELECT id FROM ${agreedTasks})`);
  if (chosenTasks) {
    w.add(`r."taskId" NOT IN (SELECT task_id FROM ${chosenTasks})`);
    return {
      text: `SELECT * FROM (
          SELECT ${PROMPT_COLS}, r.id AS "rankingId", r."labelerId", r.tiers::text AS tiers, r."timeSpentMs", ${labelerAnswers}, r."createdAt" AS "sortAt", NULL::text AS "labelSource",
                 r.rationale, ${RANKING_STRENGTH}
            FROM "Ranking" r JOIN "User" u ON u.id = r."labelerId" JOIN "Task" t ON t.id = r."taskId" JOIN "Prompt" p ON p.id = t."promptId"
            ${w}
          UNION ALL
          SELECT ${PROMPT_COLS}, ch.task_id, NULL::uuid, ch.tiers::text, 0, ${chosenAnswers("ch.task_id")}, t."createdAt", ch.source, NULL::text, NULL::text
            FROM ${chosenTasks} ch JOIN "Task" t ON t.id = ch.task_id JOIN "Prompt" p ON p.id = t."promptId"
        ) rows ORDER BY "promptId", "sortAt", "rankingId"`,
      values: w.values,
    };
  }
  return {
    text: `SELECT ${PROMPT_COLS}, r.id AS "rankingId", r."labelerId", r.tiers::text AS tiers, r."timeSpentMs", r.rationale,
        ${RANKING_STRENGTH},
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
  labelFilters(w, f, { project: `p."projectId"`, labeler: `d."authorId"`, at: `d."createdAt"`, discard: `ld."demonstrationId" = d.id` });
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

/** A labeler's ranking's answers in display order with its Likert scores and flags (`r` is the ranking). */
const labelerAnswers = `(SELECT json_agg(json_build_object('text', co.text, 'likert', ra.likert, 'flags', ra.flags, 'ratings', ra.ratings,
         'source', co.source, 'sourceName', co."sourceName") ORDER BY tc.position)::text
   FROM "TaskCompletion" tc
   JOIN "Completion" co ON co.id = tc."completionId"
   LEFT JOIN "RankingAnswer" ra ON ra."rankingId" = r.id AND ra."completionId" = tc."completionId"
  WHERE tc."taskId" = r."taskId") AS answers`;
/** Rankings of eligible labelers, grouped by task, for per-task agreement (imported rankings are no labeler's: never counted). */
export function agreementQuery(f: CreateExportInput): Query {
  const w = new Where();
  labelFilters(w, { ...f, from: undefined, to: undefined }, { project: `t."projectId"`, labeler: `r."labelerId"`, at: "", discard: RANKING_DISCARD });
  w.add(`r."importedFrom" IS NULL`);
  w.add(NOT_GOLD);
  return {
    text: `SELECT r."taskId", r."labelerId", r.tiers::text AS tiers
      FROM "Ranking" r JOIN "User" u ON u.id = r."labelerId" JOIN "Task" t ON t.id = r."taskId"
      ${w} ORDER BY r."taskId"`,
    values: w.values,
  };
}
