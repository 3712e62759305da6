// Submitting a ranking task, for both of its views (the tier board and the pairwise scale): one
// request at a time, the answers' details and rationale from the draft, the time the task was
// visible, the stored draft cleared and an undo offered on success, a lost lease reported.
import { useRef, useState } from "react";
import type { RankingResult } from "@/lib/labeling/kinds/ranking";
import type { StrengthId } from "@/lib/ranking/strength";
import { errorMessage, isLeaseLost, submitTask, undoUrl } from "./api";
import { cleanMeta, metaInput, type AnswerMeta } from "./answer-meta";
import { clearStored } from "./local-store";
import type { TaskViewProps } from "./types";
import { useVisibleTime } from "./use-visible-time";

/** What both ranking views keep in their draft besides the order: each answer's details, the rationale. */
export type RankingDraft = { meta: Record<number, AnswerMeta>; rationale?: string };

type RankingChoice = {
  tiers: number[][];
  /** A pairwise task's preference strength. */
  strength?: StrengthId;
  /** The whole draft, restored if the labeler takes the submission back. */
  draft: RankingDraft;
  /** What was saved, in one line, from the stored result. */
  summary: (r: RankingResult) => string;
};

export function useSubmitRanking({ task, clientId, onDone, onLeaseLost }: TaskViewProps, draftKey: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const inFlight = useRef(false);
  const elapsed = useVisibleTime();

  /** Submits the choice unless `blocked` says why not (then shown as the error). */
  const submit = async (blocked: string | null, c: RankingChoice) => {
    if (inFlight.current) return;
    if (blocked) return setError(blocked);
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const schema = task.project.labelSchema;
      const r = await submitTask("ranking", {
        clientId,
        taskId: task.taskId,
        tiers: c.tiers,
        ...(c.strength ? { strength: c.strength } : {}),
        answers: task.answers.map(({ position }) => metaInput(position, cleanMeta(c.draft.meta[position], schema))),
        ...(c.draft.rationale?.trim() ? { rationale: c.draft.rationale.trim() } : {}),
        timeSpentMs: elapsed(),
      });
      clearStored(draftKey);
      onDone(c.summary(r), { url: undoUrl("ranking", r.id), draftKey, draft: c.draft });
    } catch (e) {
      if (isLeaseLost(e)) onLeaseLost(e.message);
      setError(errorMessage(e));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return { busy, error, setError, submit };
}
