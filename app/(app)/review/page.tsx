import Link from "next/link";
import { QueueTable } from "@/components/review/queue-table";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { reviewQueue } from "@/lib/review/queue";

export const metadata = { title: "Review" };

/** /review: reported tasks, the lowest-agreement tasks and a random sample, in the reviewer's projects. */
export default async function ReviewPage() {
  const user = await requirePermission("labels.review");
  const q = await reviewQueue(db, user);
  return (
    <>
      <PageHeader title="Review">
        <Link href="/records" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          Find any label
        </Link>
      </PageHeader>
      <div className="space-y-4">
        <QueueTable title="Reported by labelers" rows={q.reported} empty="No task is reported." />
        <QueueTable title="Lowest agreement" rows={q.lowestAgreement} empty="No unreviewed task has two rankings yet." />
        <QueueTable title="Random sample" rows={q.sample} empty="No ranked task is waiting for review." />
      </div>
    </>
  );
}
