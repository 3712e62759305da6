import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";

export const metadata = { title: "Training runs" };

export default async function RunsPage() {
  await requirePermission("runs.read");
  const runs = await db.trainingRun.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  return (
    <>
      <PageHeader title="Training runs" />
      {runs.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-500">No runs yet.</p>
        </Card>
      ) : (
        <Card className="p-0">
          <ul>
            {runs.map((r) => (
              <li key={r.id} className="flex justify-between border-t border-zinc-200 px-4 py-2 first:border-0 dark:border-zinc-800">
                <span>{r.name || r.kind}</span>
                <span className="text-sm text-zinc-500">{r.status}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
