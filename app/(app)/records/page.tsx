import Link from "next/link";
import { RecordsTable } from "@/components/review/records-table";
import { Card, PageHeader } from "@/components/ui/card";
import { Field, FilterSelect } from "@/components/ui/field";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { inProjects, projectsWhere } from "@/lib/membership/access";
import { searchRecords } from "@/lib/review/records";
import { RECORD_STATUSES, recordsQuery } from "@/lib/validation/review";

export const metadata = { title: "Records" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

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
          <div className="lg:col-span-2">
            <Field label="Text in the prompt, answers or demonstrations" id="filter-q" name="q" defaultValue={value("q")} />
          </div>
          <FilterSelect label="Project" name="project" value={value("project")} choices={projects.map((p) => ({ value: p.id, label: p.name }))} />
          <FilterSelect label="Labeler" name="labeler" value={value("labeler")} choices={labelers.map((u) => ({ value: u.id, label: u.email }))} />
          <FilterSelect label="Status" name="status" value={value("status")} choices={RECORD_STATUSES} />
          <FilterSelect
            label="Source model"
            name="source"
            value={value("source")}
            choices={["model", "import", "endpoint", "human", ...sources.map((s) => s.sourceName)]}
          />
          <Field label="Created from" id="filter-from" type="date" name="from" defaultValue={value("from")} />
          <Field label="Created before" id="filter-to" type="date" name="to" defaultValue={value("to")} />
          <Field
            label="Agreement at most (0–1)"
            id="filter-maxAgreement"
            type="number"
            name="maxAgreement"
            min={0}
            max={1}
            step={0.05}
            defaultValue={value("maxAgreement")}
          />
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
