import Link from "next/link";
import { TaskRunner } from "@/components/labeling/task-runner";
import { Card } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/field";
import { requirePermission } from "@/lib/auth/guard";
import { nextTaskInput } from "@/lib/validation/queue";

export const metadata = { title: "Labeling" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

/** /label/work?project=<id>&kind=ranking|demonstration: the labeler's task loop. */
export default async function WorkPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePermission("tasks.work");
  const sp = await searchParams;
  const input = nextTaskInput.safeParse({ projectId: first(sp.project), kind: first(sp.kind) });
  if (!input.success)
    return (
      <Card className="space-y-3">
        <ErrorText>This link names a project or task kind that does not exist.</ErrorText>
        <Link href="/label" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          Back to your work
        </Link>
      </Card>
    );
  return <TaskRunner projectId={input.data.projectId} kind={input.data.kind} />;
}
