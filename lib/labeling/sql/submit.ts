// The statements behind submissions (../submit.ts), run after LOCK_TASK and HELD (./hold.ts). Each
// write is one statement: the result, its answers and comparisons, the assignment marked
// submitted and the task's count raised, all or nothing.
import type { Statement } from "./transaction";

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
 * $1 task, $2 assignment, $3 labeler, $4 tiers (json), $5 notation, $6 time spent (ms),
 * $7 client id, $8 project, $9 answers (json [{completionId, tier, likert, flags}]),
 * $10 comparisons (json [{chosenId, rejectedId, tie, margin, strength}]), $11 rationale or null.
 * Answers carry ratings ({axisId: score}) beside likert and flags. Returns the ranking's id.
 */
export const INSERT_RANKING: Statement = {
  name: "labeling_insert_ranking",
  text: `
  WITH ranking AS (
    INSERT INTO "Ranking" ("taskId", "assignmentId", "labelerId", tiers, notation, "timeSpentMs", "clientId", rationale, "updatedAt")
    VALUES ($1::uuid, $2::uuid, $3::uuid, $4::jsonb, $5::text, $6::int, $7::text, $11::text, now())
    RETURNING id
  ), answers AS (
    -- One row per answer: its tier, Likert score and flags.
    INSERT INTO "RankingAnswer" ("rankingId", "completionId", tier, likert, flags, ratings)
    SELECT ranking.id, x."completionId", x.tier, x.likert, x.flags, COALESCE(x.ratings, '{}')
      FROM ranking, json_to_recordset($9::json) AS x("completionId" uuid, tier int, likert int, flags text[], ratings jsonb)
  ), comparisons AS (
    -- The C(K,2) pairs the ranking implies.
    INSERT INTO "Comparison" ("projectId", "taskId", "rankingId", "labelerId", "chosenId", "rejectedId", tie, margin, strength)
    SELECT $8::uuid, $1::uuid, ranking.id, $3::uuid, x."chosenId", x."rejectedId", x.tie, x.margin, x.strength::"PreferenceStrength"
      FROM ranking, json_to_recordset($10::json) AS x("chosenId" uuid, "rejectedId" uuid, tie boolean, margin int, strength text)
  ), submitted AS (
    UPDATE "Assignment" SET status = 'submitted', "updatedAt" = now() WHERE id = $2::uuid
  ), counted AS (
    UPDATE "Task" SET done = done + 1 WHERE id = $1::uuid
  )
  SELECT id FROM ranking`,
};

/** $1 client id: an earlier demonstration with this submission id. */
export const PRIOR_DEMONSTRATION: Statement = {
  name: "labeling_prior_demonstration",
  text: `SELECT id, "taskId", "authorId" FROM "Demonstration" WHERE "clientId" = $1::text`,
};

/** $1 task, $2 assignment, $3 author, $4 prompt, $5 text, $6 time spent (ms), $7 client id. Returns its id. */
export const INSERT_DEMONSTRATION: Statement = {
  name: "labeling_insert_demonstration",
  text: `
  WITH demonstration AS (
    INSERT INTO "Demonstration" ("promptId", "taskId", "assignmentId", "authorId", text, "timeSpentMs", "clientId", "updatedAt")
    VALUES ($4::uuid, $1::uuid, $2::uuid, $3::uuid, $5::text, $6::int, $7::text, now())
    RETURNING id
  ), submitted AS (
    UPDATE "Assignment" SET status = 'submitted', "updatedAt" = now() WHERE id = $2::uuid
  ), counted AS (
    UPDATE "Task" SET done = done + 1 WHERE id = $1::uuid
  )
  SELECT id FROM demonstration`,
};
