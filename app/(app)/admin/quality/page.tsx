import Link from "next/link";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { inProjects, projectsWhere } from "@/lib/membership/access";
import { GOLD_MIN_TASKS, goldAccuracy, goldExclusions } from "@/lib/quality/gold";
import { qualityReport } from "@/lib/quality/report";
import { isId } from "@/lib/validation/id";

export const metadata = { title: "Label quality" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? "—" : v.toFixed(3));
const secs = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`);

const TH = "px-2 py-1.5 text-left font-medium text-zinc-500";
const TD = "px-2 py-1.5 tabular-nums";

/** /admin/quality?project=<id>: inter-labeler agreement, labeler stats and the least-agreed tasks. */
export default async function QualityPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePermission("quality.read");
  const sp = await searchParams;
  const mine = await projectsWhere(db, user, "quality.read");
  const projects = await db.project.findMany({
    where: { id: inProjects(mine) },
    select: { id: true, name: true, archived: true, goldEvery: true, goldMinAccuracy: true },
    orderBy: { name: "asc" },
  });
  const wanted = first(sp.project);
  const project = projects.find((p) => p.id === wanted && isId(wanted)) ?? projects.find((p) => !p.archived) ?? projects[0];
  const [report, gold, excluded] = project
    ? await Promise.all([qualityReport(db, project.id), goldAccuracy(db, project.id), goldExclusions(db, project.id)])
    : [null, [], []];
  return (
    <>
      <PageHeader title="Label quality">
        <form method="get" className="flex items-end gap-2">
          <label className="text-sm">
            <span className="sr-only">Project</span>
            <select
              name="project"
              defaultValue={project?.id}
              className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            >
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.archived ? " (archived)" : ""}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            Show
          </button>
        </form>
      </PageHeader>
      {!report ? (
        <p className="text-sm text-zinc-500">No projects yet.</p>
      ) : (
        <>
          <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-4">
            <Stat label="Pairwise agreement" value={pct(report.agreement.rate)} />
            <Stat label="Kendall's tau-b (mean)" value={num(report.agreement.tauB)} />
            <Stat label="Krippendorff's alpha (ordinal)" value={num(report.agreement.alpha)} />
            <Stat label="Tasks with overlap" value={report.agreement.overlappingTasks} />
          </div>

          <h2 className="mb-3 text-lg font-semibold">Labelers</h2>
          <Card className="mb-6 overflow-x-auto">
            {report.perLabeler.length === 0 ? (
              <p className="text-sm text-zinc-500">Nobody has labeled in this project yet.</p>
            ) : (
              <table className="w-full text-sm">
                <thead>
                  <tr className="border-b border-zinc-200 dark:border-zinc-800">
                    <th className={TH}>Labeler</th>
                    <th className={TH}>Rankings</th>
                    <th className={TH}>Demonstrations</th>
                    <th className={TH}>Median time / ranking</th>
                    <th className={TH}>Median time / demonstration</th>
                    <th className={TH}>Agreement with others</th>
                    <th className={TH}>Agreement with consensus</th>
                    <th className={TH}>Skips</th>
                    <th className={TH}>Flags used</th>
                  </tr>
                </thead>
                <tbody>
                  {report.perLabeler.map((l) => (
                    <tr key={l.labelerId} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                      <td className="px-2 py-1.5">{l.email}</td>
                      <td className={TD}>{l.rankings}</td>
                      <td className={TD}>{l.demonstrations}</td>
                      <td className={TD}>{secs(l.medianTimeMs)}</td>
                      <td className={TD}>{secs(l.medianDemonstrationTimeMs)}</td>
                      <td className={TD}>{pct(l.agreementWithOthers)}</td>
                      <td className={TD}>{pct(l.agreementWithConsensus)}</td>
                      <td className={TD}>
                        {pct(l.skipShare)} <span className="text-zinc-500">({l.skips})</span>
                      </td>
                      <td className={TD}>{l.flagsUsed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>

          <h2 className="mb-1 text-lg font-semibold">Gold accuracy</h2>
          <p className="mb-3 text-sm text-zinc-500 dark:text-zinc-400">
            Pairwise agreement of each labeler&apos;s rankings with the known ranking of gold tasks (one ranking hand-out in {project!.goldEvery || "—"} is gold
            {project!.goldEvery ? "" : ": off"}), with a 95% Wilson interval over answer pairs (pairs of one task are not independent, so read it as a guide).{" "}
            {project!.goldMinAccuracy === null
              ? "No threshold is set: nobody is left out automatically."
              : `A labeler with at least ${GOLD_MIN_TASKS} gold tasks whose interval lies wholly below ${pct(project!.goldMinAccuracy)} is left out of new exports.`}
          </p>
          {excluded.length > 0 && (
            <div
              role="alert"
              data-testid="gold-exclusions"
              className="mb-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            >
              <p className="font-medium">Left out of exports by the gold threshold:</p>
              <ul className="list-disc pl-5">
                {excluded.map((x) => (
                  <li key={`${x.userId}-${x.at.toISOString()}`}>
                    {x.email}: gold accuracy {pct(x.accuracy)} (at most {pct(x.high)}) over {x.tasks} gold tasks, below {pct(x.threshold)}, on{" "}
                    {x.at.toISOString().slice(0, 16).replace("T", " ")} UTC. Include them again on the{" "}
                    <Link className="underline" href="/admin/users">
                      Users
                    </Link>{" "}
                    page.
                  </li>
                ))}
              </ul>
            </div>
          )}
          <Card className="mb-6 overflow-x-auto">
            {gold.length === 0 ? (
              <p className="text-sm text-zinc-500">Nobody has ranked a gold task in this project yet.</p>
            ) : (
              <table className="w-full text-sm" data-testid="gold-accuracy">
                <thead>
                  <tr className="border-b border-zinc-200 dark:border-zinc-800">
                    <th className={TH}>Labeler</th>
                    <th className={TH}>Gold tasks</th>
                    <th className={TH}>Answer pairs</th>
                    <th className={TH}>Gold accuracy</th>
                    <th className={TH}>95% interval</th>
                  </tr>
                </thead>
                <tbody>
                  {gold.map((g) => (
                    <tr key={g.labelerId} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                      <td className="px-2 py-1.5">{g.email}</td>
                      <td className={TD}>{g.tasks}</td>
                      <td className={TD}>{g.pairs}</td>
                      <td className={TD}>{pct(g.accuracy)}</td>
                      <td className={TD}>
                        {pct(g.low)} – {pct(g.high)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>

          <h2 className="mb-1 text-lg font-semibold">Least-agreed tasks</h2>
          <p className="mb-3 text-sm text-zinc-500 dark:text-zinc-400">
            Each labeler&apos;s ranking beside the Borda consensus of the task, least pairwise agreement first.
          </p>
          {report.tasks.length === 0 && <p className="text-sm text-zinc-500">No task has been ranked by two labelers yet.</p>}
          <div className="grid gap-3 md:grid-cols-2">
            {report.tasks.map((t) => (
              <Card key={t.taskId}>
                <div className="flex items-baseline justify-between gap-2">
                  <p className="truncate text-sm" title={t.prompt}>
                    {t.prompt || t.taskId}
                  </p>
                  <span className="shrink-0 text-xs text-zinc-500">agreement {pct(t.rate)}</span>
                </div>
                <table className="mt-2 w-full text-sm">
                  <tbody>
                    <tr className="border-b border-zinc-200 font-semibold dark:border-zinc-800">
                      <td className="px-2 py-1">Consensus</td>
                      <td className="px-2 py-1 font-mono">{t.consensus}</td>
                      <td className={TD} />
                    </tr>
                    {t.rankings.map((r) => (
                      <tr key={r.labelerId}>
                        <td className="px-2 py-1">{r.email}</td>
                        <td className="px-2 py-1 font-mono">{r.notation}</td>
                        <td className="px-2 py-1 text-right tabular-nums text-zinc-500">τ {num(r.tauB)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            ))}
          </div>
          <p className="mt-6 text-sm">
            <Link className="text-indigo-600 underline dark:text-indigo-400" href="/admin">
              Back to the dashboard
            </Link>
          </p>
        </>
      )}
    </>
  );
}
