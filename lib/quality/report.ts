// The label-quality report for one project: agreement over rankings with overlap, per-labeler stats,
// and the tasks with the least agreement beside their Borda consensus. Loads from the database and
// hands the figures to the pure functions in ./agreement and ./consensus.
import "server-only";
import type { Db } from "../db";
import { formatRanking } from "../ranking/notation";
import type { Tiers } from "../ranking/tiers";
import { kendallTauB, krippendorffAlpha, projectAgreement, reliabilityMatrix, type LabeledRanking } from "./agreement";
import { consensusRanking } from "./consensus";
import { QualityError } from "./errors";

type ProjectQuality = {
  /** Σ agreements / Σ shared pairs over every two labelers of every task; null with no overlap. */
  rate: number | null;
  /** Mean Kendall tau-b over every (task, labeler, labeler) comparison that has one; null with none. */
  tauB: number | null;
  /** Krippendorff's alpha, ordinal, over answers' average ranks; null with nothing to compare. */
  alpha: number | null;
  /** Tasks ranked by two labelers or more. */
  overlappingTasks: number;
  /** (task, labeler, labeler) combinations compared. */
  labelerPairs: number;
};

type LabelerQuality = {
  labelerId: string;
  email: string;
  rankings: number;
  demonstrations: number;
  /** Median timeSpentMs over the labeler's rankings in this project; null with none. */
  medianTimeMs: number | null;
  /** Median timeSpentMs over their demonstrations; null with none. */
  medianDemonstrationTimeMs: number | null;
  /** Pairwise agreement with the other labelers of the same tasks; null with no overlap. */
  agreementWithOthers: number | null;
  /** Pairwise agreement with each overlapping task's Borda consensus, pooled over pairs; null with no overlap. */
  agreementWithConsensus: number | null;
  /** Skipped assignments / (submitted + skipped) assignments; null when they have neither. */
  skipShare: number | null;
  skips: number;
  /** Flags set on answers of their rankings, counted one per flag. */
  flagsUsed: number;
};

type TaskQuality = {
  taskId: string;
  prompt: string;
  consensus: string;
  /** Pairwise agreement among this task's labelers. */
  rate: number | null;
  rankings: { labelerId: string; email: string; notation: string; agreementWithConsensus: number; tauB: number | null }[];
};

export type QualityReport = {
  agreement: ProjectQuality;
  perLabeler: LabelerQuality[];
  tasks: TaskQuality[];
};

type QualityInput = {
  rankings: (LabeledRanking & { timeSpentMs: number; flags: number })[];
  demonstrations: { authorId: string; timeSpentMs: number }[];
  assignments: { userId: string; status: string }[];
  emails: Map<string, string>;
  prompts: Map<string, string>;
};

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  // s is not empty, so mid and mid - 1 (when the length is even) are in range.
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

/** The report from already-loaded rows; `taskLimit` tasks with the least agreement are listed. */
function buildQualityReport(input: QualityInput, taskLimit = 10): QualityReport {
  const { rankings } = input;
  const email = (id: string) => input.emails.get(id) ?? id;
  const pairwise = projectAgreement(rankings);

  const byTask = new Map<string, QualityInput["rankings"]>();
  for (const r of rankings) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);

  const taus: number[] = [];
  const consensusCounts = new Map<string, { agreements: number; sharedPairs: number }>();
  const tasks: TaskQuality[] = [];
  let overlappingTasks = 0;
  for (const [taskId, list] of byTask) {
    if (new Set(list.map((r) => r.labelerId)).size < 2) continue;
    overlappingTasks++;
    for (const [i, ri] of list.entries())
      for (const rj of list.slice(i + 1)) {
        if (ri.labelerId === rj.labelerId) continue;
        const tau = kendallTauB(ri.tiers, rj.tiers);
        if (tau !== null) taus.push(tau);
      }
    let consensus;
    try {
      consensus = consensusRanking(list);
    } catch (e) {
      if (e instanceof QualityError) continue; // rankings over different answers: no consensus
      throw e;
    }
    for (const c of consensus.perLabeler) {
      const e = consensusCounts.get(c.labelerId) ?? { agreements: 0, sharedPairs: 0 };
      e.agreements += c.agreements;
      e.sharedPairs += c.sharedPairs;
      consensusCounts.set(c.labelerId, e);
    }
    tasks.push({
      taskId,
      prompt: input.prompts.get(taskId) ?? "",
      consensus: formatRanking(consensus.tiers),
      rate: projectAgreement(list).rate,
      rankings: list.map((r, i) => ({
        labelerId: r.labelerId,
        email: email(r.labelerId),
        notation: formatRanking(r.tiers),
        // consensusRanking returns one perLabeler entry per ranking, in order.
        agreementWithConsensus: consensus.perLabeler[i]!.rate,
        tauB: consensus.perLabeler[i]!.tau,
      })),
    });
  }
  // Least agreement first; ties by task id so the order is stable.
  tasks.sort((a, b) => (a.rate ?? 1) - (b.rate ?? 1) || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));

  const ids = new Set<string>([
    ...rankings.map((r) => r.labelerId),
    ...input.demonstrations.map((d) => d.authorId),
    ...input.assignments.filter((a) => a.status === "submitted" || a.status === "skipped").map((a) => a.userId),
  ]);
  const pairwiseOf = new Map(pairwise.perLabeler.map((p) => [p.labelerId, p.rate]));
  const perLabeler: LabelerQuality[] = [...ids]
    .map((id) => {
      const mine = rankings.filter((r) => r.labelerId === id);
      const demos = input.demonstrations.filter((d) => d.authorId === id);
      const assignments = input.assignments.filter((a) => a.userId === id);
      const skips = assignments.filter((a) => a.status === "skipped").length;
      const submitted = assignments.filter((a) => a.status === "submitted").length;
      const c = consensusCounts.get(id);
      return {
        labelerId: id,
        email: email(id),
        rankings: mine.length,
        demonstrations: demos.length,
        medianTimeMs: median(mine.map((r) => r.timeSpentMs)),
        medianDemonstrationTimeMs: median(demos.map((d) => d.timeSpentMs)),
        agreementWithOthers: pairwiseOf.get(id) ?? null,
        agreementWithConsensus: c ? ratio(c.agreements, c.sharedPairs) : null,
        skipShare: ratio(skips, skips + submitted),
        skips,
        flagsUsed: mine.reduce((s, r) => s + r.flags, 0),
      };
    })
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));

  return {
    agreement: {
      rate: pairwise.rate,
      tauB: taus.length > 0 ? taus.reduce((s, t) => s + t, 0) / taus.length : null,
      alpha: krippendorffAlpha(reliabilityMatrix(rankings).values, "ordinal"),
      overlappingTasks,
      labelerPairs: pairwise.labelerPairs,
    },
    perLabeler,
    tasks: tasks.slice(0, taskLimit),
  };
}

/** The first message of a prompt, shortened, for display. */
function promptPreview(messages: unknown, max = 120): string {
  const first = Array.isArray(messages) ? (messages[0] as { content?: unknown } | undefined) : undefined;
  const text = typeof first?.content === "string" ? first.content.replace(/\s+/g, " ").trim() : "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Loads one project's rankings, demonstrations and assignments and builds its quality report. */
export async function qualityReport(client: Db, projectId: string, taskLimit = 10): Promise<QualityReport> {
  const [rankingRows, demonstrations, assignments] = await Promise.all([
    client.ranking.findMany({
      where: { task: { projectId }, importedFrom: null }, // imported rankings are no labeler's work
      select: {
        taskId: true,
        labelerId: true,
        tiers: true,
        timeSpentMs: true,
        answers: { select: { flags: true } },
        labeler: { select: { email: true } },
        task: { select: { prompt: { select: { messages: true } } } },
      },
      orderBy: [{ taskId: "asc" }, { createdAt: "asc" }],
    }),
    client.demonstration.findMany({
      where: { prompt: { projectId } },
      select: { authorId: true, timeSpentMs: true, author: { select: { email: true } } },
    }),
    client.assignment.findMany({
      where: { task: { projectId }, status: { in: ["submitted", "skipped"] }, NOT: { ranking: { importedFrom: { not: null } } } },
      select: { userId: true, status: true, user: { select: { email: true } } },
    }),
  ]);
  const emails = new Map<string, string>();
  for (const r of rankingRows) emails.set(r.labelerId, r.labeler.email);
  for (const d of demonstrations) emails.set(d.authorId, d.author.email);
  for (const a of assignments) emails.set(a.userId, a.user.email);
  const prompts = new Map<string, string>();
  for (const r of rankingRows) if (!prompts.has(r.taskId)) prompts.set(r.taskId, promptPreview(r.task.prompt.messages));
  return buildQualityReport(
    {
      rankings: rankingRows.map((r) => ({
        taskId: r.taskId,
        labelerId: r.labelerId,
        tiers: r.tiers as Tiers,
        timeSpentMs: r.timeSpentMs,
        flags: r.answers.reduce((s, a) => s + a.flags.length, 0),
      })),
      demonstrations: demonstrations.map((d) => ({ authorId: d.authorId, timeSpentMs: d.timeSpentMs })),
      assignments: assignments.map((a) => ({ userId: a.userId, status: a.status })),
      emails,
      prompts,
    },
    taskLimit,
  );
}
