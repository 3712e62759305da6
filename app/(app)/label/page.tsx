import Link from "next/link";
import { HistoryList } from "@/components/label-home/history-list";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { ownHistory, tallySince, waitingWork } from "@/lib/labeling/labeler-home";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";
import { plural } from "@/components/ui/plural";

export const metadata = { title: "Label" };

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export default async function LabelHome() {
  const user = await requirePermission("tasks.work");
  const now = new Date();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const week = new Date(today.getTime() - ((today.getDay() + 6) % 7) * 86_400_000);
  const [waiting, day, wk, history] = await Promise.all([waitingWork(db, user), tallySince(db, user, today), tallySince(db, user, week), ownHistory(db, user)]);
  return (
    <>
      <PageHeader title="Your work">
        <Link href="/label/work" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500" data-testid="start-labeling">
          Start labeling
        </Link>
      </PageHeader>
      <section aria-labelledby="waiting" className="mb-6">
        <h2 id="waiting" className="mb-3 text-lg font-semibold">
          Waiting for you
        </h2>
        {waiting.length === 0 ? (
          <Card>
            <p className="text-sm text-zinc-500">Nothing is waiting right now.</p>
          </Card>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {waiting.map((w) => (
              <Card key={`${w.projectId}-${w.kind}`}>
                <div className="text-sm text-zinc-500">{w.projectName}</div>
                <div className="mt-1 flex items-baseline justify-between gap-2">
                  <span className="text-2xl font-semibold tabular-nums">{w.tasks}</span>
                  <Link href={`/label/work?project=${w.projectId}&kind=${w.kind}`} className="text-sm text-indigo-600 underline dark:text-indigo-400">
                    {TASK_KINDS[w.kind].work}
                  </Link>
                </div>
              </Card>
            ))}
          </div>
        )}
      </section>
      <section aria-label="Your numbers" className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Today" value={plural(day.rankings + day.demonstrations, "task")} />
        <Stat label="Time today" value={minutes(day.timeSpentMs)} />
        <Stat label="This week" value={`${plural(wk.rankings, "ranking")} · ${plural(wk.demonstrations, "demo")}`} />
        <Stat label="Time this week" value={minutes(wk.timeSpentMs)} />
      </section>
      <section aria-labelledby="history">
        <h2 id="history" className="mb-3 text-lg font-semibold">
          Your recent work
        </h2>
        <Card>
          <HistoryList
            rows={history.map((h) => ({
              kind: h.kind,
              id: h.id,
              createdAt: h.createdAt.toISOString(),
              projectName: h.projectName,
              prompt: h.prompt,
              summary: h.summary,
              editable: h.editableUntil > now,
              ...(h.ranking && h.editableUntil > now ? { ranking: h.ranking } : {}),
            }))}
          />
        </Card>
      </section>
    </>
  );
}
