// The labeling API as the task UI calls it. Errors are ApiError (../ui/fetch-json.ts): they keep the
// server's code, so a lost lease can be told apart.
import { resultUrl, TASK_KINDS, type TaskKind } from "@/lib/labeling/task-kinds";
import type { Shapes } from "@/lib/labeling/task-types";
import type { SkipSubmission } from "@/lib/validation/ranking";
import { ApiError, fetchJson, isUnreachable } from "../ui/fetch-json";
import type { TaskPayload } from "./types";

/** True for the 409 the server sends when this labeler no longer holds the task. */
export const isLeaseLost = (e: unknown): e is ApiError => e instanceof ApiError && e.code === "lease_lost";

/** The message to show for any failure: the server's one sentence, or a plain network message. */
export const errorMessage = (e: unknown): string =>
  e instanceof ApiError && !isUnreachable(e) ? e.message : "Could not reach the server. Check your connection and try again; your work is kept.";

const post = <T>(url: string, json?: unknown) => fetchJson<T>(url, { method: "POST", json });

/** `exclude`: the task on screen, when prefetching the next one (see task-runner.tsx). */
export const nextTask = (input: { projectId?: string; kind?: TaskKind; exclude?: string[] }) =>
  post<{ task: TaskPayload | null }>("/api/queue/next", input).then((r) => r.task);

/**
 * Gives back a prefetched lease not used. `keepalive`, so it is still sent while the page unloads;
 * failures are ignored (the lease then simply runs out).
 */
export function releaseLease(assignmentId: string): void {
  void fetch(`/api/assignments/${encodeURIComponent(assignmentId)}/release`, { method: "POST", keepalive: true }).catch(() => {});
}

export const renewLease = (assignmentId: string) => post<{ leaseExpiresAt: string }>(`/api/assignments/${encodeURIComponent(assignmentId)}/renew`);

/** Submits a task of this kind; resolves to the stored result (the reply holds it under the kind's name). */
export const submitTask = <K extends TaskKind>(kind: K, body: Shapes[K]["submission"]) =>
  post<Record<K, Shapes[K]["result"]>>(TASK_KINDS[kind].submitUrl, body).then((r) => r[kind]);

/** Where a submitted result of this kind is taken back. */
export const undoUrl = (kind: TaskKind, id: string) => `${resultUrl(kind, id)}/undo`;

export const undoSubmission = (url: string) => post<{ undone: { taskId: string; assignmentId: string } }>(url);

export const skipTask = (body: SkipSubmission) => post<{ ok: true }>("/api/tasks/skip", body);
