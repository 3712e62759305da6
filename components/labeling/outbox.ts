// Submissions on their way to the server. A submit puts the label here, in localStorage with its
// task and draft, and the page shows the next task at once; the outbox sends it in the background
// with the submission's idempotency key (a retry stores one result) and keeps it until the server
// acknowledges it. A dropped connection, a 5xx, a 429 or a signed-out session is retried with
// backoff, and at once when the browser comes back online; any other refusal (the lease was lost,
// the label does not fit the project) hands the entry back so the labeler returns to that task with
// their work. Entries left by a closed tab are sent again the next time the labeling page opens.
import { z } from "zod";
import { demonstrationSubmission, rankingSubmission, type DemonstrationSubmission, type RankingSubmission } from "@/lib/validation/ranking";
import { ApiError, isUnreachable } from "../ui/fetch-json";
import { submitTask, undoUrl } from "./api";
import { clearStored, clientIdKey, loadStored, saveStored, storedKeys } from "./local-store";
import { pairSummary } from "./ranking-notation";
import type { TaskPayload } from "./types";

const OUTBOX = "outbox:";
const outboxKey = (assignmentId: string) => `${OUTBOX}${assignmentId}`;

/** What a task view hands the runner on submit (the body is checked by the view before). */
export type Submission = ({ kind: "ranking"; body: RankingSubmission } | { kind: "demonstration"; body: DemonstrationSubmission }) & {
  /** The choice in words for the status line ("B is slightly better"); the notation when absent. */
  label?: string;
  /** Where the view keeps its draft, and the draft: restored when the task comes back. */
  draftKey: string;
  draft: unknown;
};

/** A submission in the outbox: with its task, to bring the labeler back to it. */
export type Pending = Submission & { task: TaskPayload; submittedAt: number };

// Read back from localStorage (another version of the page may have written it): checked, never trusted.
const stored = z.intersection(
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("ranking"), body: rankingSubmission }),
    z.object({ kind: z.literal("demonstration"), body: demonstrationSubmission }),
  ]),
  z.object({
    label: z.string().max(200).optional(),
    draftKey: z.string().max(200),
    draft: z.unknown(),
    submittedAt: z.number(),
    task: z.looseObject({
      assignmentId: z.uuid(),
      taskId: z.uuid(),
      kind: z.enum(["ranking", "demonstration"]),
      project: z.looseObject({ undoSeconds: z.number(), leaseMinutes: z.number() }),
      prompt: z.looseObject({ messages: z.array(z.unknown()) }),
      answers: z.array(z.object({ position: z.number(), text: z.string() })),
    }),
  }),
);

/** What the server said: stored (with what to show and how to undo it), or refused for good. */
export type Acked = { summary: string; undoUrl: string };
export type Outcome = { ok: true; acked: Acked } | { ok: false; message: string; leaseLost: boolean };

/** The status line's facts: sends under way, and the earliest retry of those that failed. */
export type OutboxState = { sending: number; waiting: number; retryAt: number | null; lastError: string | null };

type Item = {
  p: Pending;
  tries: number;
  timer?: ReturnType<typeof setTimeout>;
  retryAt: number | null;
  error: string | null;
  settled: Promise<Outcome>;
  settle: (o: Outcome) => void;
};

/** Retried: no answer, a server error, too many requests, a timeout, or a session to renew. */
const isTransient = (e: unknown) => !(e instanceof ApiError) || isUnreachable(e) || e.status >= 500 || [401, 408, 429].includes(e.status);

const transientMessage = (e: unknown) =>
  e instanceof ApiError && e.status === 401
    ? "You are signed out: sign in again (in another tab) and it is sent."
    : e instanceof ApiError && !isUnreachable(e)
      ? e.message
      : "The server cannot be reached.";

/** Backoff before the (tries+1)-th attempt: 1, 2, 4, 8, 16, then every 30 s, ±25%. */
const retryDelayMs = (tries: number, random = Math.random()) => Math.min(30_000, 1000 * 2 ** Math.max(0, tries - 1)) * (0.75 + 0.5 * random);

/** Per kind of submission: send it, and say in the status line what was saved. */
const SEND: { [K in Pending["kind"]]: (p: Extract<Pending, { kind: K }>) => Promise<Acked> } = {
  ranking: async (p) => {
    const r = await submitTask("ranking", p.body);
    return {
      summary: `Saved: ${p.label ? `${p.label} (${r.notation})` : `${r.notation} (${pairSummary(r.comparisons, r.ties)})`}`,
      undoUrl: undoUrl("ranking", r.id),
    };
  },
  demonstration: async (p) => {
    const d = await submitTask("demonstration", p.body);
    return { summary: `Saved your demonstration (${[...p.body.text.trim()].length} characters).`, undoUrl: undoUrl("demonstration", d.id) };
  },
};

const sendOnce = (p: Pending): Promise<Acked> => (SEND[p.kind] as (p: Pending) => Promise<Acked>)(p);

export class Outbox {
  private items = new Map<string, Item>();
  private stopped = false;
  private readonly onOnline = () => this.retryNow();

  constructor(
    private readonly events: {
      /** The counts or a retry time changed. */
      onChange: () => void;
      onAck: (p: Pending, acked: Acked) => void;
      /** Refused for good: the entry has left the outbox and its draft is back in storage. */
      onReject: (p: Pending, message: string, leaseLost: boolean) => void;
    },
  ) {
    window.addEventListener("online", this.onOnline);
  }

  /** Stores the submission and starts sending it. */
  add(s: Submission, task: TaskPayload): Pending {
    const p: Pending = { ...s, task, submittedAt: Date.now() } as Pending;
    saveStored(outboxKey(task.assignmentId), p);
    this.start(p);
    return p;
  }

  /** Sends what an earlier page left in storage (a closed tab, a reload) and is not already on its way. */
  resume(): void {
    for (const key of storedKeys(OUTBOX)) {
      const parsed = stored.safeParse(loadStored(key));
      if (!parsed.success) {
        clearStored(key); // not an entry this page can send (written by another version): nothing to keep
        continue;
      }
      const p = parsed.data as unknown as Pending;
      if (!this.items.has(p.task.assignmentId)) this.start(p);
    }
  }

  /** Tasks whose submission is not acknowledged yet: never to be handed out again meanwhile. */
  taskIds(): string[] {
    return [...this.items.values()].map((i) => i.p.task.taskId);
  }

  state(): OutboxState {
    const items = [...this.items.values()];
    const waiting = items.filter((i) => i.retryAt !== null);
    return {
      sending: items.length - waiting.length,
      waiting: waiting.length,
      retryAt: waiting.length ? Math.min(...waiting.map((i) => i.retryAt!)) : null,
      lastError: waiting.find((i) => i.error)?.error ?? null,
    };
  }

  /** Resolves when this assignment's submission is acknowledged or refused (at once when it is not here). */
  settled(assignmentId: string): Promise<Outcome> | null {
    return this.items.get(assignmentId)?.settled ?? null;
  }

  /** Retries every waiting submission now (the browser is back online, or the labeler asked). */
  retryNow(): void {
    for (const item of this.items.values()) {
      if (item.retryAt === null) continue;
      clearTimeout(item.timer);
      void this.attempt(item);
    }
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    for (const item of this.items.values()) clearTimeout(item.timer);
  }

  private start(p: Pending) {
    let settle!: (o: Outcome) => void;
    const settled = new Promise<Outcome>((r) => (settle = r));
    const item: Item = { p, tries: 0, retryAt: null, error: null, settled, settle };
    this.items.set(p.task.assignmentId, item);
    void this.attempt(item);
  }

  private async attempt(item: Item) {
    if (this.stopped) return;
    item.retryAt = null;
    item.tries++;
    this.events.onChange();
    const { p } = item;
    try {
      const acked = await sendOnce(p);
      this.finish(item);
      clearStored(p.draftKey);
      clearStored(clientIdKey(p.task.assignmentId));
      item.settle({ ok: true, acked });
      this.events.onAck(p, acked);
    } catch (e) {
      if (this.stopped) return;
      if (isTransient(e)) {
        const delay = retryDelayMs(item.tries);
        item.retryAt = Date.now() + delay;
        item.error = transientMessage(e);
        item.timer = setTimeout(() => void this.attempt(item), delay);
        this.events.onChange();
        return;
      }
      const message = e instanceof ApiError ? e.message : String(e);
      const leaseLost = e instanceof ApiError && e.code === "lease_lost";
      this.finish(item);
      saveStored(p.draftKey, p.draft); // the work is back where its view reads it
      item.settle({ ok: false, message, leaseLost });
      this.events.onReject(p, message, leaseLost);
    }
  }

  private finish(item: Item) {
    clearTimeout(item.timer);
    clearStored(outboxKey(item.p.task.assignmentId));
    this.items.delete(item.p.task.assignmentId);
    this.events.onChange();
  }
}
