import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { ReviewActions } from "@/components/review/review-actions";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertTaskReviewable } from "@/lib/review/access";
import { taskDetail } from "@/lib/review/task-detail";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";

export const metadata = { title: "Task" };

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(0)}%`);

/** Everything about one task: the prompt, the answers side by side, every label and who gave it, and the review. */
export default async function ReviewTaskPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("labels.read_all");
  const { id } = await params;
  try {
    await assertTaskReviewable(db, user, id, "labels.read_all");
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    if (e instanceof AppError && e.code === "forbidden") forbidden();
    throw e;
  }
  const t = await taskDetail(db, id);
  return (
    <>
      <PageHeader title={`${TASK_KINDS[t.kind].label} task · ${t.project.name}`}>
        <Link href="/review" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          Review queue
        </Link>
      </PageHeader>
      <div className="space-y-4">
        <Card>
          <h2 className="mb-2 font-semibold">Prompt</h2>
          {t.prompt.map((m, i) => (
            <p key={i} className="whitespace-pre-wrap text-sm">
              <span className="font-medium text-zinc-500">{m.role}: </span>
              {m.content}
            </p>
          ))}
          <p className="mt-2 text-xs text-zinc-500">
            {t.done} of {t.wanted} results · agreement {pct(t.agreement.rate)} · created {t.createdAt.slice(0, 10)}
            {t.gold ? " · gold" : ""}
            {t.review
              ? ` · ${t.review.decision === "override" ? `overridden: ${t.review.notation}` : "accepted"} by ${t.review.reviewer} (${t.review.reason})`
              : ""}
          </p>
        </Card>
        {t.answers.length > 0 && (
          <div className="grid gap-3" style={{ gridTemplateColumns: `repeat(${Math.min(t.answers.length, 4)}, minmax(0, 1fr))` }}>
            {t.answers.map((a) => (
              <Card key={a.position}>
                <h3 className="mb-1 font-semibold">{a.letter}</h3>
                <p className="whitespace-pre-wrap text-sm">{a.text}</p>
                <p className="mt-2 text-xs text-zinc-500">
                  {a.source}
                  {a.sourceName ? ` · ${a.sourceName}` : ""}
                </p>
              </Card>
            ))}
          </div>
        )}
        <Card className="overflow-x-auto">
          <h2 className="mb-2 font-semibold">Labels</h2>
          {t.rankings.length === 0 && t.demonstrations.length === 0 ? (
            <p className="text-sm text-zinc-500">No labels yet.</p>
          ) : (
            <table className="w-full text-sm" aria-label="Labels">
              <tbody>
                {t.rankings.map((r) => (
                  <tr key={r.id} className="border-t border-zinc-200 dark:border-zinc-800">
                    <td className="py-1 font-mono">{r.notation}</td>
                    <td className="py-1">{r.labeler}</td>
                    <td className="py-1 text-xs text-zinc-500">
                      {r.answers
                        .filter((a) => a.likert !== null || a.flags.length)
                        .map((a) => `${String.fromCharCode(65 + a.position)}: ${[a.likert ?? "", ...a.flags].filter(Boolean).join(", ")}`)
                        .join(" · ")}
                    </td>
                    <td className="py-1 text-xs">{r.discarded ? `discarded by ${r.discarded.by}: ${r.discarded.reason}` : ""}</td>
                  </tr>
                ))}
                {t.demonstrations.map((d) => (
                  <tr key={d.id} className="border-t border-zinc-200 dark:border-zinc-800">
                    <td className="max-w-xl whitespace-pre-wrap py-1">{d.text}</td>
                    <td className="py-1">{d.author}</td>
                    <td />
                    <td className="py-1 text-xs">{d.discarded ? `discarded by ${d.discarded.by}: ${d.discarded.reason}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {t.reports.length > 0 && (
          <Card>
            <h2 className="mb-2 font-semibold">Skips and reports</h2>
            <ul className="text-sm">
              {t.reports.map((r, i) => (
                <li key={i}>
                  {r.labeler} {r.reported ? "reported" : "skipped"}: {r.reason || "(no reason)"}
                </li>
              ))}
            </ul>
          </Card>
        )}
        {can(user, "labels.review") && (
          <Card>
            <h2 className="mb-2 font-semibold">Decision</h2>
            <ReviewActions
              taskId={t.id}
              ranking={TASK_KINDS[t.kind].overridable}
              labels={t.rankings.map((r) => ({ id: r.id, labeler: r.labeler, notation: r.notation, discarded: !!r.discarded }))}
            />
          </Card>
        )}
      </div>
    </>
  );
}
