"use client";

// A reviewer's decisions on one task: accept, override with their own ranking, or discard one label,
// each with a reason. The server's one sentence is shown when it refuses.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

type Label = { id: string; labeler: string; notation: string; discarded: boolean };

export function ReviewActions({ taskId, ranking, labels }: { taskId: string; ranking: boolean; labels: Label[] }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  async function send(json: Record<string, unknown>) {
    setError(undefined);
    setDone(undefined);
    try {
      await fetchJson(`/api/review/tasks/${taskId}`, { method: "POST", json });
      setDone("Saved.");
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const decision = String((e.nativeEvent as SubmitEvent).submitter?.getAttribute("value") ?? "accept");
        const reason = String(f.get("reason") ?? "");
        if (decision === "override") void send({ decision, reason, tiers: String(f.get("tiers") ?? "") });
        else if (decision === "discard") void send({ decision, reason, rankingId: String(f.get("rankingId") ?? "") });
        else void send({ decision, reason });
      }}
    >
      <Field label="Reason (kept in the audit log)" id="review-reason" name="reason" required maxLength={2000} />
      <div className="flex flex-wrap items-end gap-2">
        <Button type="submit" value="accept">
          Accept the labels
        </Button>
      </div>
      {ranking && (
        <div className="flex flex-wrap items-end gap-2">
          <Field label="Your ranking (e.g. A > B > C = D)" id="review-tiers" name="tiers" placeholder="A > B > C = D" />
          <Button type="submit" value="override" variant="secondary">
            Override
          </Button>
        </div>
      )}
      {labels.some((l) => !l.discarded) && (
        <div className="flex flex-wrap items-end gap-2">
          <label htmlFor="review-label" className="block space-y-1">
            <span className="text-sm font-medium">Label</span>
            <select
              id="review-label"
              name="rankingId"
              className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            >
              {labels
                .filter((l) => !l.discarded)
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.labeler}: {l.notation}
                  </option>
                ))}
            </select>
          </label>
          <Button type="submit" value="discard" variant="danger">
            Discard this label
          </Button>
        </div>
      )}
      <ErrorText>{error}</ErrorText>
      {done && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          {done}
        </p>
      )}
    </form>
  );
}
