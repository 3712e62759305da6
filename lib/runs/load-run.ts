// For the runs pages (server side): a run and all its metric points so far, or the page's 404.
import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "../errors";
import { getRun, getRunMetrics, type RunMetricPoint } from "./queries";
import { toJson } from "./json";

/** Every metric point of a run, page by page (getRunMetrics caps one answer). */
async function allMetrics(id: string): Promise<RunMetricPoint[]> {
  const out: RunMetricPoint[] = [];
  for (;;) {
    const page = await getRunMetrics(id, { afterId: out.at(-1)?.id, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}
const PAGE = 10_000;

export async function loadRun(id: string) {
  try {
    const [run, points] = await Promise.all([getRun(id), allMetrics(id)]);
    return { run: toJson(run), points };
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}
