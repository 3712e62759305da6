import Link from "next/link";
import { RecordsTable } from "@/components/review/records-table";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { inProjects, projectsWhere } from "@/lib/membership/access";
import { searchRecords } from "@/lib/review/records";
import { RECORD_STATUSES, recordsQuery } from "@/lib/validation/review";

export const metadata = { title: "Records" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const INPUT = "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** /records: find any task and its labels by text, project, labeler, status, source model, date and agreement. */
export default async function RecordsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePermission("labels.read_all");
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = recordsQuery.safeParse(raw);
  const f = parsed.success ? parsed.data : {};
  const mine = await projectsWhere(db, user, "labels.read_all");
  const [projects, labelers, sources, result] = await Promise.all([
    db.project.findMany({ where: { id: inProjects(mine) }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.user.findMany({
      where: { OR: [{ rankings: { some: {} } }, { demonstrations: { some: {} } }], ...(mine ? { memberships: { some: { projectId: { in: mine } } } } : {}) },
      orderBy: { email: "asc" },
      select: { id: true, email: true },
      take: 500,
    }),
    db.completion.findMany({ distinct: ["sourceName"], where: { sourceName: { not: "" } }, select: { sourceName: true }, take: 100 }),
    searchRecords(db, user, f),
  ]);
  const page = f.page ?? 1;
  const pageLink = (p: number) =>
    `/records?${new URLSearchParams({ ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v) as [string, string][]), page: String(p) })}`;
  const value = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
  return (
    <>
      <PageHeader title="Records" />
      <Card className="mb-4">
        <form method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <label className="block space-y-1 lg:col-span-2">
            <span className="text-sm font-medium">Text in the prompt, answers or demonstrations</span>
            <input name="q" defaultValue={value("q")} className={INPUT} />
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Project</span>
            <select name="project" defaultValue={value("project")} className={INPUT}>
              <option value="">Any</option>
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Labeler</span>
            <select name="labeler" defaultValue={value("labeler")} className={INPUT}>
              <option value="">Any</option>
              {labelers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email}
                </option>
              ))}
            </select>
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Status</span>
            <select name="status" defaultValue={value("status")} className={INPUT}>
              <option value="">Any</option>
              {RECORD_STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Source model</span>
            <select name="source" defaultValue={value("source")} className={INPUT}>
              <option value="">Any</option>
              {["model", "import", "endpoint", "human", ...sources.map((s) => s.sourceName)].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Created from</span>
            <input type="date" name="from" defaultValue={value("from")} className={INPUT} />
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Created before</span>
            <input type="date" name="to" defaultValue={value("to")} className={INPUT} />
          </label>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Agreement at most (0–1)</span>
            <input type="number" name="maxAgreement" min={0} max={1} step={0.05} defaultValue={value("maxAgreement")} className={INPUT} />
          </label>
          <div className="flex items-end">
            <button type="submit" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
              Search
            </button>
          </div>
        </form>
        {!parsed.success && (
          <p className="mt-2 text-sm text-red-700">
            {parsed.error.issues[0]?.path.join(".")}: {parsed.error.issues[0]?.message}
          </p>
        )}
      </Card>
      <RecordsTable rows={result.rows} canAct={can(user, "labels.review")} />
      <div className="mt-3 flex gap-3 text-sm">
        {page > 1 && <Link href={pageLink(page - 1)}>Previous</Link>}
        {result.more && <Link href={pageLink(page + 1)}>Next</Link>}
      </div>
    </>
  );
}
