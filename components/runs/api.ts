// The runs API as the pages call it (lib/validation/run.ts holds the request schemas). A failed call
// throws ApiError (../ui/fetch-json.ts) with the server's one sentence and, for a 400 from zod, its field issues.
import type { RunSamples } from "@/lib/runs/queries";
import type { NewRunRequest } from "@/lib/validation/run";
import { fetchJson } from "../ui/fetch-json";
import type { MetricPoint } from "./metric-series";
import type { RunDetailJson } from "./types";

const call = <T>(url: string, init?: RequestInit & { json?: unknown }) => fetchJson<T>(url, { ...init, cache: "no-store" });

/** The API may answer `{ run }` or the run itself; both are accepted. */
export const getRun = (id: string) => call<{ run?: RunDetailJson } & Partial<RunDetailJson>>(`/api/runs/${id}`).then((b) => (b.run ?? b) as RunDetailJson);

/** Metric points after `after` (a metric id), oldest first. */
export const getMetrics = (id: string, after?: string) =>
  call<{ metrics?: MetricPoint[] } | MetricPoint[]>(`/api/runs/${id}/metrics${after ? `?after=${after}` : ""}`).then((b) =>
    Array.isArray(b) ? b : (b.metrics ?? []),
  );

/** The steps with sample generations, and the answers at `step` (default: the latest). */
export const getSamples = (id: string, step?: number) => call<RunSamples>(`/api/runs/${id}/samples${step !== undefined ? `?step=${step}` : ""}`);

export const createRun = (input: NewRunRequest) =>
  call<{ id?: string; run?: { id: string } }>("/api/runs", { method: "POST", json: input }).then((b) => ({ id: (b.run?.id ?? b.id)! }));

export const cancelRun = (id: string) => call<{ status?: string }>(`/api/runs/${id}/cancel`, { method: "POST" });
export const resumeRun = (id: string) => call<{ status?: string }>(`/api/runs/${id}/resume`, { method: "POST" });
