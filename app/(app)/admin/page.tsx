import Link from "next/link";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { projectOverview } from "@/lib/projects";

export const metadata = { title: "Admin" };

export default async function AdminPage() {
  await requirePermission("projects.manage");
  const [projects, users, comparisons] = await Promise.all([projectOverview(db), db.user.count({ where: { disabled: false } }), db.comparison.count()]);
  return (
    <>
      <PageHeader title="Dashboard">
        <Link href="/admin/projects/new" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New project
        </Link>
      </PageHeader>
      <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Projects" value={projects.length} />
        <Stat label="Active users" value={users} />
        <Stat label="Comparisons" value={comparisons} />
        <Stat label="Prompts" value={projects.reduce((s, p) => s + p.prompts, 0)} />
      </div>
      <h2 className="mb-3 text-lg font-semibold">Projects</h2>
      <div className="grid gap-3 md:grid-cols-2">
        {projects.map((p) => (
          <Card key={p.id}>
            <div className="flex items-baseline justify-between gap-2">
              <h3 className="font-semibold">
                <Link href={`/admin/projects/${p.id}`} className="hover:underline">
                  {p.name}
                </Link>
              </h3>
              <span className="text-xs text-zinc-500">K = {p.answersPerTask}</span>
            </div>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{p.description}</p>
            <dl className="mt-3 grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-zinc-500">Prompts</dt>
                <dd className="tabular-nums">{p.prompts}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Demonstrations</dt>
                <dd className="tabular-nums">
                  {p.demonstrationsDone} / {p.demonstrationTasks * p.demonstrationsPerPrompt}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Rankings</dt>
                <dd className="tabular-nums">
                  {p.rankingsDone} / {p.rankingTasks * p.rankingsPerTask}
                </dd>
              </div>
            </dl>
          </Card>
        ))}
        {projects.length === 0 && <p className="text-sm text-zinc-500">No projects yet.</p>}
      </div>
      <p className="mt-6 text-sm">
        <Link className="text-indigo-600 underline dark:text-indigo-400" href="/admin/users">
          Manage users and invites
        </Link>
        {" · "}
        <Link className="text-indigo-600 underline dark:text-indigo-400" href="/admin/settings">
          Settings (endpoint hosts)
        </Link>
      </p>
    </>
  );
}
