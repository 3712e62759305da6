// Submitting work. Each submission is one transaction: the result, its comparisons, the
// assignment marked submitted and the task's count raised, or nothing at all. A client-generated
// id makes it idempotent: a double click or a retried request stores one result.
// Plain SQL on the shared pool, like the queue (./queue.ts; statements in ./sql/submit.ts).
import "server-only";
import type pg from "pg";
import type { SessionUser } from "../auth/authenticate";
import { db } from "../db";
import { AppError } from "../errors";
import { enforceGoldThreshold } from "../quality/gold";
import { labelProblem, schemaOf } from "./label-schema";
import { formatRanking } from "../ranking/notation";
import { expandPairs } from "../ranking/pairs";
import { checkAnswers, checkStrength, resolveTiers } from "../ranking/submission";
import type { DemonstrationSubmission, RankingSubmission } from "../validation/ranking";
import { assignmentOn, checkHeld, lockTask } from "./queue";
import type { Held } from "./sql/hold";
import { INSERT_DEMONSTRATION, INSERT_RANKING, PRIOR_DEMONSTRATION, PRIOR_RANKING } from "./sql/submit";
import { inTransaction, isUniqueViolation, run, type SqlClient } from "./sql/transaction";

export type RankingResult = { id: string; notation: string; comparisons: number; ties: number };

type PriorRanking = { id: string; taskId: string; notation: string; labelerId: string; pairs: number; ties: number };

/**
 * A submission id is an idempotency key for one labeler's submission on one task: a retry gets the
 * stored result; the same id from someone else, or on another task, is a 409 (returning the first
 * task's result would tell the client this task was saved when nothing was).
 */
function checkKeyOwner(prior: { taskId: string | null }, ownerId: string, user: SessionUser, taskId: string) {
  if (ownerId !== user.id) throw new AppError("conflict", "That submission id is already used.");
  if (prior.taskId !== taskId)
    throw new AppError("conflict", "That submission id was already used for another task: send a new one for this task.");
}

async function priorRanking(c: SqlClient | pg.Pool, user: SessionUser, clientId: string, taskId: string): Promise<RankingResult | null> {
  const [prior] = await run<PriorRanking>(c, PRIOR_RANKING, [clientId]);
  if (!prior) return null;
  checkKeyOwner(prior, prior.labelerId, user, taskId);
  return { id: prior.id, notation: prior.notation, comparisons: prior.pairs - prior.ties, ties: prior.ties };
}

export async function submitRanking(pool: pg.Pool, user: SessionUser, input: RankingSubmission): Promise<RankingResult> {
  // A gold ranking may leave its labeler out of exports (lib/quality/gold.ts); checked once it is stored.
  let goldProject: string | null = null;
  const result = await storeRanking(pool, user, input, (projectId) => (goldProject = projectId));
  if (goldProject) await enforceGoldThreshold(db, goldProject, user.id);
  return result;
}

async function storeRanking(pool: pg.Pool, user: SessionUser, input: RankingSubmission, onGold: (projectId: string) => void): Promise<RankingResult> {
  try {
    return await inTransaction(pool, async (c) => {
      const task = await lockTask(c, input.taskId, user);
      if (task.kind !== "ranking") throw new AppError("bad_request", "This task is not a ranking task.");
      // The ranking is checked against the task first; the labeler's assignment is checked by the
      // write itself (INSERT_RANKING), which saves a round trip while the task's row is locked.
      const tiers = resolveTiers(input.tiers, task.items.length);
      checkAnswers(input.answers, task.items.length);
      const strength = checkStrength(input.strength, tiers, task.items.length);
      const problem = labelProblem(schemaOf(task.labelSchema), input.answers, input.rationale);
      if (problem) throw new AppError("bad_request", problem);

      const completionAt = (pos: number) => task.items[pos];
      const tierOf = new Map(tiers.flatMap((tier, t) => tier.map((pos) => [pos, t] as const)));
      const meta = new Map(input.answers.map((a) => [a.position, a]));
      const notation = formatRanking(tiers);
      const answers = task.items.map((completionId, pos) => ({
        completionId,
        tier: tierOf.get(pos)!,
        likert: meta.get(pos)?.likert ?? null,
        flags: meta.get(pos)?.flags ?? [],
        ratings: meta.get(pos)?.ratings ?? {},
      }));
      const pairs = expandPairs(tiers);
      const comparisons = pairs.map((p) => ({
        chosenId: completionAt(p.chosen),
        rejectedId: completionAt(p.rejected),
        tie: p.tie,
        margin: p.margin,
        strength,
      }));
      const [written] = await run<Held & { rankingId: string | null }>(c, INSERT_RANKING, [
        task.id,
        user.id,
        JSON.stringify(tiers),
        notation,
        input.timeSpentMs,
        input.clientId,
        task.projectId,
        JSON.stringify(answers),
        JSON.stringify(comparisons),
        input.rationale?.trim() || null,
      ]);
      if (!written?.rankingId) {
        // Nothing written. Already submitted: a retry, or a copy of this submission committed while
        // we waited for the lock. Otherwise the assignment says why, or the task has all it wants.
        const prior = written?.status === "submitted" ? await priorRanking(c, user, input.clientId, input.taskId) : null;
        if (prior) return prior;
        checkHeld(written);
        throw new AppError("lease_lost", "This task already has all the rankings it needs.");
      }
      const ties = pairs.filter((p) => p.tie).length;
      if (task.gold) onGold(task.projectId);
      return { id: written.rankingId, notation, comparisons: pairs.length - ties, ties };
    });
  } catch (e) {
    // The submission id is taken (by a copy of this submission, or by someone else's): the same
    // labeler gets the stored result, anyone else a 409.
    if (isUniqueViolation(e, "Ranking_clientId_key")) {
      const winner = await priorRanking(pool, user, input.clientId, input.taskId);
      if (winner) return winner;
    }
    throw e;
  }
}

type PriorDemonstration = { id: string; taskId: string | null; authorId: string };

async function priorDemonstration(c: SqlClient | pg.Pool, user: SessionUser, clientId: string, taskId: string): Promise<{ id: string } | null> {
  const [prior] = await run<PriorDemonstration>(c, PRIOR_DEMONSTRATION, [clientId]);
  if (!prior) return null;
  checkKeyOwner(prior, prior.authorId, user, taskId);
  return { id: prior.id };
}

export async function submitDemonstration(
  pool: pg.Pool,
  user: SessionUser,
  input: DemonstrationSubmission,
): Promise<{ id: string }> {
  try {
    return await inTransaction(pool, async (c) => {
      const task = await lockTask(c, input.taskId, user);
      if (task.kind !== "demonstration") throw new AppError("bad_request", "This task is not a demonstration task.");
      const held = await assignmentOn(c, task.id, user);
      const prior = held?.status === "submitted" ? await priorDemonstration(c, user, input.clientId, input.taskId) : null;
      if (prior) return prior;
      const assignment = checkHeld(held);
      checkLength(input.text, task.minDemonstrationChars, task.maxDemonstrationChars);
      if (task.done >= task.wanted) throw new AppError("lease_lost", "This prompt already has all the demonstrations it needs.");
      const [demo] = await run<{ id: string }>(c, INSERT_DEMONSTRATION, [
        task.id,
        assignment.id,
        user.id,
        task.promptId,
        input.text,
        input.timeSpentMs,
        input.clientId,
      ]);
      return demo;
    });
  } catch (e) {
    if (isUniqueViolation(e, "Demonstration_clientId_key")) {
      const winner = await priorDemonstration(pool, user, input.clientId, input.taskId);
      if (winner) return winner;
    }
    throw e;
  }
}

export function checkLength(text: string, min: number, max: number) {
  const n = [...text].length;
  if (n > max) throw new AppError("too_large", `The demonstration is ${n} characters; this project allows at most ${max}.`);
  if (n < min) throw new AppError("bad_request", `The demonstration is ${n} characters; this project needs at least ${min}.`);
}
