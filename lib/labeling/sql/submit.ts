// The statements behind submissions (../submit.ts), run after LOCK_TASK (./hold.ts). Each write is
// one statement that checks and writes: it reads the labeler's assignment (HELD's query: the
// statement starts after the task's lock was ours, so it sees every lease and submission committed
// before) and, only if that assignment may submit and the task still wants a result, stores the
// result, marks the assignment submitted and raises the task's count, all or nothing. It returns
// the assignment as HELD does and the result's id, null when nothing was written (the caller says
// why from the assignment); no row when the labeler has no assignment on the task. One round trip
// for the check and the write while the task's row is locked.
import { heldQuery } from "./hold";
import type { Statement } from "./transaction";

/**
 * The labeler's ($2) assignment on task $1 (CTE "held"), and "ok": it may submit (active, its lease
 * live or its slot still free) and the task still wants a result (a gold task always does).
 */
const HELD_OK = `held AS (${heldQuery("$1::uuid", "$2::uuid")}
  ), ok AS (
    SELECT held.id FROM held
     WHERE held.status = 'active' AND (held.live OR held.free > 0)
       AND EXISTS (SELECT 1 FROM "Task" t WHERE t.id = $1::uuid AND (t.gold IS NOT NULL OR t.done < t.wanted))
  )`;

/** What a write returns: the assignment as HELD reads it, and the stored result's id (null: nothing written). */
const WRITTEN = (result: string) => `SELECT held.id, held.status, held.live, held.free, (SELECT id FROM ${result}) AS "resultId" FROM held`;

/** $1 client id: an earlier ranking with this submission id, with its pair counts. */
export const PRIOR_RANKING: Statement = {
  name: "labeling_prior_ranking",
  text: `
  SELECT r.id, r."taskId", r.notation, r."labelerId",
         count(c.id)::int AS pairs, count(c.id) FILTER (WHERE c.tie)::int AS ties
    FROM "Ranking" r LEFT JOIN "Comparison" c ON c."rankingId" = r.id
   WHERE r."clientId" = $1::text
   GROUP BY r.id`,
};

/**
 * $1 task (locked), $2 labeler, $3 tiers (json), $4 notation, $5 time spent (ms), $6 client id,
 * $7 project, $8 answers (json [{completionId, tier, likert, flags, ratings}]), $9 comparisons
 * (json [{chosenId, rejectedId, tie, margin, strength}]), $10 rationale or null. Checks, then
 * writes (see the top of this file); answers carry ratings ({axisId: score}) beside likert and flags.
 */
export const INSERT_RANKING: Statement = {
  name: "labeling_insert_ranking",
  text: `
  WITH ${HELD_OK}, ranking AS (
    INSERT INTO "Ranking" ("taskId", "assignmentId", "labelerId", tiers, notation, "timeSpentMs", "clientId", rationale, "updatedAt")
    SELECT $1::uuid, ok.id, $2::uuid, $3::jsonb, $4::text, $5::int, $6::text, $10::text, now() FROM ok
    RETURNING id, "assignmentId"
  ), answers AS (
    -- One row per answer: its tier, Likert score and flags.
    INSERT INTO "RankingAnswer" ("rankingId", "completionId", tier, likert, flags, ratings)
    SELECT ranking.id, x."completionId", x.tier, x.likert, x.flags, COALESCE(x.ratings, '{}')
      FROM ranking, json_to_recordset($8::json) AS x("completionId" uuid, tier int, likert int, flags text[], ratings jsonb)
  ), comparisons AS (
    -- The C(K,2) pairs the ranking implies.
    INSERT INTO "Comparison" ("projectId", "taskId", "rankingId", "labelerId", "chosenId", "rejectedId", tie, margin, strength)
    SELECT $7::uuid, $1::uuid, ranking.id, $2::uuid, x."chosenId", x."rejectedId", x.tie, x.margin, x.strength::"PreferenceStrength"
      FROM ranking, json_to_recordset($9::json) AS x("chosenId" uuid, "rejectedId" uuid, tie boolean, margin int, strength text)
  ), submitted AS (
    UPDATE "Assignment" SET status = 'submitted', "updatedAt" = now() WHERE id IN (SELECT "assignmentId" FROM ranking)
  ), counted AS (
    UPDATE "Task" SET done = done + 1 WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM ranking)
  )
  ${WRITTEN("ranking")}`,
};

/** $1 client id: an earlier demonstration with this submission id. */
export const PRIOR_DEMONSTRATION: Statement = {
  name: "labeling_prior_demonstration",
  text: `SELECT id, "taskId", "authorId" FROM "Demonstration" WHERE "clientId" = $1::text`,
};

/** $1 task (locked), $2 author, $3 prompt, $4 text, $5 time spent (ms), $6 client id. Checks, then writes (see the top of this file). */
export const INSERT_DEMONSTRATION: Statement = {
  name: "labeling_insert_demonstration",
  text: `
  WITH ${HELD_OK}, demonstration AS (
    INSERT INTO "Demonstration" ("promptId", "taskId", "assignmentId", "authorId", text, "timeSpentMs", "clientId", "updatedAt")
    SELECT $3::uuid, $1::uuid, ok.id, $2::uuid, $4::text, $5::int, $6::text, now() FROM ok
    RETURNING id, "assignmentId"
  ), submitted AS (
    UPDATE "Assignment" SET status = 'submitted', "updatedAt" = now() WHERE id IN (SELECT "assignmentId" FROM demonstration)
  ), counted AS (
    UPDATE "Task" SET done = done + 1 WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM demonstration)
  )
  ${WRITTEN("demonstration")}`,
};
