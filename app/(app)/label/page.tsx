import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";

export const metadata = { title: "Label" };

export default async function LabelHome() {
  await requirePermission("tasks.work");
  const open = await db.task.groupBy({ by: ["kind"], _count: true, where: { project: { archived: false } } });
  return (
    <>
      <PageHeader title="Your work" />
      <div className="grid gap-3 md:grid-cols-2">
        {open.map((g) => (
          <Card key={g.kind}>
            <div className="text-sm text-zinc-500">{g.kind === "ranking" ? "Ranking tasks" : "Demonstrations to write"}</div>
            <div className="text-2xl font-semibold tabular-nums">{g._count}</div>
          </Card>
        ))}
      </div>
    </>
  );
}
