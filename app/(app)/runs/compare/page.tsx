import Link from "next/link";
import { notFound } from "next/navigation";
import { CompareView } from "@/components/runs/compare-view";
import { loadRun } from "@/lib/runs/load-run";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";

export const metadata = { title: "Compare runs" };

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ a?: string; b?: string }> }) {
  await requirePermission("runs.read");
  const { a, b } = await searchParams;
  if (typeof a !== "string" || typeof b !== "string") notFound();
  const [ra, rb] = await Promise.all([loadRun(a), loadRun(b)]);
  return (
    <>
      <PageHeader title="Compare runs">
        <Link href={`/runs/${ra.run.id}`} className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          Back to {ra.run.name || "run A"}
        </Link>
      </PageHeader>
      <CompareView a={ra} b={rb} />
    </>
  );
}
