// Submitting a ranking task, for both of its views (the tier board and the pairwise scale): one
// request at a time, the answers' details and rationale from the draft, the time the task was
// visible; the runner keeps and sends it (outbox.ts) and offers the undo.
import { useRef, useState } from "react";
import type { StrengthId } from "@/lib/ranking/strength";
import { cleanMeta, metaInput, type AnswerMeta } from "./answer-meta";
import type { TaskViewProps } from "./types";
import { useVisibleTime } from "./use-visible-time";

/** What both ranking views keep in their draft besides the order: each answer's details, the rationale. */
export type RankingDraft = { meta: Record<number, AnswerMeta>; rationale?: string };

type RankingChoice = {
  tiers: number[][];
  /** A pairwise task's preference strength. */
  strength?: StrengthId;
  /** The whole draft, restored if the labeler takes the submission back or the server refuses it. */
  draft: RankingDraft;
  /** The choice in words for the status line ("B is slightly better"); the stored notation when absent. */
  label?: string;
};

export function useSubmitRanking({ task, clientId, onSubmit }: TaskViewProps, draftKey: string) {
  const [error, setError] = useState<string>();
  const sent = useRef(false);
  const elapsed = useVisibleTime();

  /**
   * Hands the choice to the runner, which saves it in the background (outbox.ts) and shows the next
   * task at once, unless `blocked` says why not (then shown as the error).
   */
  const submit = (blocked: string | null, c: RankingChoice) => {
    if (sent.current) return;
    if (blocked) return setError(blocked);
    sent.current = true;
    const schema = task.project.labelSchema;
    onSubmit({
      kind: "ranking",
      body: {
        clientId,
        taskId: task.taskId,
        tiers: c.tiers,
        ...(c.strength ? { strength: c.strength } : {}),
        answers: task.answers.map(({ position }) => metaInput(position, cleanMeta(c.draft.meta[position], schema))),
        ...(c.draft.rationale?.trim() ? { rationale: c.draft.rationale.trim() } : {}),
        timeSpentMs: elapsed(),
      },
      ...(c.label ? { label: c.label } : {}),
      draftKey,
      draft: c.draft,
    });
  };

  /** `busy` stays false: nothing waits for the server any more. */
  return { busy: false, error, setError, submit };
}
