"use client";
// The labeler's work loop: take the next task, show it through TASK_VIEWS, keep its lease alive,
// and move on. Work in progress lives in localStorage, so nothing is lost to a reload, an error or
// a lost lease.
// The labeler never waits between tasks: while one task is on screen the next is already leased
// (a second lease, renewed like the first), and a submit shows it at once while the label is saved
// in the background (outbox.ts: kept on this device until the server has it, retried when it
// fails, with the status line saying so). A label the server refuses (the lease was lost, it does
// not fit the project) brings the labeler back to that task with their work and the server's
// sentence. A prefetched lease not used is given back when the labeler leaves the page.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ErrorText } from "../ui/field";
import { errorMessage, nextTask, releaseLease, undoSubmission } from "./api";
import { GuidelinesPanel } from "./guidelines-panel";
import { clientIdFor, pruneStored, saveStored } from "./local-store";
import { Outbox, type OutboxState, type Pending, type Submission } from "./outbox";
import { PromptView } from "./prompt-view";
import { SaveStatus } from "./save-status";
import { viewOf } from "./task-views";
import type { TaskKind, TaskPayload } from "./types";
import { useLease } from "./use-lease";

type State =
  | { phase: "loading" }
  /** `returned`: the server's sentence when this task came back because its label was refused. */
  | { phase: "task"; task: TaskPayload; clientId: string; returned?: string }
  | { phase: "empty" }
  | { phase: "error"; message: string };

const SAVED_MS = 6000;
/** The most tasks a next-task request may exclude (lib/validation/queue.ts). */
const MAX_EXCLUDE = 32;

/** The last submission while its undo window lasts; `url` once the server has acknowledged it. */
type Undo = { pending: Pending; until: number; url?: string };

const IDLE: OutboxState = { sending: 0, waiting: 0, retryAt: null, lastError: null };

/** Ctrl+Z / Cmd+Z outside a text field (where it undoes typing). */
const isUndoKey = (e: KeyboardEvent) => {
  if (e.key.toLowerCase() !== "z" || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return false;
  const t = e.target as HTMLElement | null;
  return !(
    t &&
    (t.isContentEditable ||
      t.tagName === "TEXTAREA" ||
      (t.tagName === "INPUT" && (t as HTMLInputElement).type !== "checkbox" && (t as HTMLInputElement).type !== "radio"))
  );
};

export function TaskRunner({ projectId, kind }: { projectId?: string; kind?: TaskKind }) {
  const [state, setState] = useState<State>({ phase: "loading" });
  const stateRef = useRef(state);
  stateRef.current = state;
  const [saved, setSaved] = useState<string | null>(null);
  const [leaseLost, setLeaseLost] = useState<string | null>(null);
  const savedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [undo, setUndo] = useState<Undo | null>(null);
  const undoRef = useRef(undo);
  undoRef.current = undo;
  const [undoError, setUndoError] = useState<string>();
  const undoTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const undoing = useRef(false);
  const task = state.phase === "task" ? state.task : null;

  // Labels on their way to the server, and the status line's view of them.
  const outbox = useRef<Outbox | null>(null);
  const [outboxState, setOutboxState] = useState<OutboxState>(IDLE);

  // The next task, leased ahead while the labeler works on this one (null: none, or none left).
  const [prefetched, setPrefetched] = useState<TaskPayload | null>(null);
  const prefetching = useRef<Promise<TaskPayload | null> | null>(null);
  const prefetchedRef = useRef<TaskPayload | null>(null);
  prefetchedRef.current = prefetched;
  // Bumped when a task is brought back: a load started before then no longer decides the screen.
  const screenGen = useRef(0);

  /** True for a task on screen or waiting as the next one: its lease is in use. */
  const isHeld = useCallback((t: TaskPayload) => {
    const cur = stateRef.current;
    return (cur.phase === "task" && cur.task.assignmentId === t.assignmentId) || prefetchedRef.current?.assignmentId === t.assignmentId;
  }, []);

  /** Tasks the queue must not hand out now: the one on screen and those whose label is being saved. */
  const excluded = useCallback((current?: TaskPayload) => {
    const ids = [...(current ? [current.taskId] : []), ...(outbox.current?.taskIds() ?? [])];
    return [...new Set(ids)].slice(-MAX_EXCLUDE);
  }, []);

  const prefetch = useCallback(
    (current: TaskPayload) => {
      const p = nextTask({ projectId, kind, exclude: excluded(current) })
        .then((t) => (t && t.taskId !== current.taskId ? t : null))
        .catch(() => null); // no prefetch: the next task is fetched after the submit, as without one
      prefetching.current = p;
      void p.then((t) => {
        if (prefetching.current === p) setPrefetched(t);
        else if (t && !isHeld(t)) releaseLease(t.assignmentId); // superseded (a task was brought back, or a reload)
      });
    },
    [projectId, kind, excluded, isHeld],
  );

  const show = useCallback(
    (next: TaskPayload | null) => {
      setState(next ? { phase: "task", task: next, clientId: clientIdFor(next.assignmentId) } : { phase: "empty" });
      if (next) prefetch(next);
    },
    [prefetch],
  );

  const load = useCallback(async () => {
    setState({ phase: "loading" });
    setLeaseLost(null);
    prefetching.current = null;
    setPrefetched(null);
    const gen = screenGen.current;
    try {
      const t = await nextTask({ projectId, kind, exclude: excluded() });
      if (gen === screenGen.current) show(t);
      else if (t && !prefetchedRef.current)
        setPrefetched(t); // a task was brought back meanwhile: this one is next
      else if (t && !isHeld(t)) releaseLease(t.assignmentId);
    } catch (e) {
      if (gen === screenGen.current) setState({ phase: "error", message: errorMessage(e) });
    }
  }, [projectId, kind, show, excluded, isHeld]);

  /** The next task: the prefetched one at once when there is one, else from the queue. */
  const advance = useCallback(async () => {
    setLeaseLost(null);
    let next = prefetchedRef.current;
    if (!next && prefetching.current) {
      setState({ phase: "loading" });
      const gen = screenGen.current;
      next = await prefetching.current; // already on its way: wait for it rather than ask twice
      if (gen !== screenGen.current) return; // a task was brought back meanwhile; the prefetch lands as the next one
    }
    prefetching.current = null;
    setPrefetched(null);
    if (next) show(next);
    else void load();
  }, [show, load]);

  /**
   * Puts a task whose label was refused or undone back on screen, with its draft (already in
   * storage). The task on screen, if any, becomes the next one; a next one leased before is given back.
   */
  const bringBack = useCallback((back: TaskPayload, returned: string | null, lost: boolean) => {
    screenGen.current++;
    const cur = stateRef.current;
    const waiting = prefetchedRef.current;
    prefetching.current = null; // a prefetch on its way is given back when it lands
    if (cur.phase === "task" && cur.task.assignmentId !== back.assignmentId) {
      if (waiting && waiting.assignmentId !== cur.task.assignmentId) releaseLease(waiting.assignmentId);
      setPrefetched(cur.task);
    }
    setLeaseLost(lost ? returned : null);
    setState({ phase: "task", task: back, clientId: clientIdFor(back.assignmentId), ...(returned ? { returned } : {}) });
    window.scrollTo({ top: 0 });
  }, []);

  const showSaved = useCallback((text: string, ms = SAVED_MS) => {
    clearTimeout(savedTimer.current);
    setSaved(text);
    savedTimer.current = setTimeout(() => setSaved(null), ms);
  }, []);

  // The outbox lives as long as the page; what an earlier page left unsent is sent now.
  const events = useRef({ onAck: (_p: Pending, _summary: string, _url: string) => {}, onReject: (_p: Pending, _m: string, _l: boolean) => {} });
  events.current.onAck = (p, summary, url) => {
    const u = undoRef.current;
    const undoable = u?.pending.task.assignmentId === p.task.assignmentId && Date.now() < u.until;
    if (undoable) setUndo({ ...u, url });
    showSaved(summary, undoable ? Math.max(SAVED_MS, u.until - Date.now()) : SAVED_MS);
    // Shown again meanwhile (a reload while it was being sent): it is done, move on.
    const cur = stateRef.current;
    if (cur.phase === "task" && cur.task.assignmentId === p.task.assignmentId) void advance();
  };
  events.current.onReject = (p, message, lost) => {
    if (undoRef.current?.pending.task.assignmentId === p.task.assignmentId) {
      clearTimeout(undoTimer.current);
      setUndo(null);
    }
    clearTimeout(savedTimer.current);
    setSaved(null);
    bringBack(p.task, message, lost);
  };
  useEffect(() => {
    const box = new Outbox({
      onChange: () => setOutboxState(box.state()),
      onAck: (p, acked) => events.current.onAck(p, acked.summary, acked.undoUrl),
      onReject: (p, message, lost) => events.current.onReject(p, message, lost),
    });
    outbox.current = box;
    box.resume();
    return () => {
      box.stop();
      outbox.current = null;
    };
  }, []);

  useEffect(() => {
    pruneStored();
    void load();
    return () => {
      clearTimeout(savedTimer.current);
      clearTimeout(undoTimer.current);
    };
  }, [load]);

  const takeBack = useCallback(async () => {
    const u = undoRef.current;
    if (!u || undoing.current) return;
    undoing.current = true;
    setUndoError(undefined);
    try {
      let url = u.url;
      if (!url) {
        // Still on its way: undo once the server has it (a refusal brings the task back by itself).
        const outcome = await outbox.current?.settled(u.pending.task.assignmentId);
        if (outcome && !outcome.ok) return;
        url = outcome?.acked.undoUrl ?? undoRef.current?.url;
        if (!url) return;
      }
      await undoSubmission(url);
      // The task is this labeler's lease again: back on screen with the draft it was submitted with.
      saveStored(u.pending.draftKey, u.pending.draft);
      clearTimeout(undoTimer.current);
      setUndo(null);
      showSaved("Undone: the task is back for you to change.");
      bringBack(u.pending.task, null, false);
    } catch (e) {
      setUndoError(errorMessage(e));
      setUndo(null);
    } finally {
      undoing.current = false;
    }
  }, [bringBack, showSaved]);

  useEffect(() => {
    if (!undo) return;
    const onKey = (e: KeyboardEvent) => {
      if (!isUndoKey(e)) return;
      e.preventDefault();
      void takeBack();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, takeBack]);

  // A prefetched lease not used goes back to the pool when the labeler leaves (another page, or the tab).
  useEffect(() => {
    const release = () => {
      const t = prefetchedRef.current;
      if (t) releaseLease(t.assignmentId);
    };
    window.addEventListener("pagehide", release);
    return () => {
      window.removeEventListener("pagehide", release);
      release();
    };
  }, []);

  const leaseExpiresAt = useLease(leaseLost ? null : task, setLeaseLost);
  // The prefetched task's lease is renewed too; if it is lost anyway, it is simply not shown.
  useLease(prefetched, () => setPrefetched(null));

  /** A submission: kept in the outbox and sent in the background; the next task shows now. */
  const onSubmit = (s: Submission) => {
    if (!task || !outbox.current) return;
    const pending = outbox.current.add(s, task);
    setUndoError(undefined);
    clearTimeout(savedTimer.current);
    setSaved(null);
    clearTimeout(undoTimer.current);
    const seconds = task.project.undoSeconds;
    if (seconds > 0) {
      setUndo({ pending, until: Date.now() + seconds * 1000 });
      undoTimer.current = setTimeout(() => setUndo(null), seconds * 1000);
    } else setUndo(null);
    window.scrollTo({ top: 0 });
    void advance();
  };

  /** A skip or report, stored before this is called. */
  const onDone = (summary: string) => {
    setUndoError(undefined);
    showSaved(summary);
    window.scrollTo({ top: 0 });
    void advance();
  };

  return (
    <div className="space-y-3" data-testid="task-runner" data-next-ready={prefetched ? "true" : "false"}>
      <SaveStatus
        outbox={outboxState}
        saved={saved}
        undoSeconds={undo ? (undo.pending.task.project.undoSeconds ?? null) : null}
        onUndo={() => void takeBack()}
        onRetry={() => outbox.current?.retryNow()}
      />
      {undoError && <ErrorText>{undoError}</ErrorText>}
      {state.phase === "loading" && (
        <p role="status" className="py-10 text-center text-sm text-zinc-500">
          Finding your next task…
        </p>
      )}
      {state.phase === "error" && (
        <Card className="space-y-3">
          <ErrorText>{state.message}</ErrorText>
          <div className="flex gap-2">
            <Button type="button" onClick={() => void load()}>
              Try again
            </Button>
            <Link href="/label" className="px-3 py-2 text-sm text-indigo-600 underline dark:text-indigo-400">
              Back to your work
            </Link>
          </div>
        </Card>
      )}
      {state.phase === "empty" && (
        <Card className="space-y-2 py-8 text-center">
          <h1 className="text-lg font-semibold">Nothing waiting</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            There are no {kind ? `${TASK_KINDS[kind].noun} ` : ""}tasks for you
            {projectId ? " in this project" : ""} right now.
          </p>
          <div className="flex justify-center gap-2">
            <Button type="button" variant="secondary" onClick={() => void load()}>
              Check again
            </Button>
            <Link href="/label" className="px-3 py-2 text-sm text-indigo-600 underline dark:text-indigo-400">
              Back to your work
            </Link>
          </div>
        </Card>
      )}
      {state.phase === "task" && (
        <TaskScreen
          task={state.task}
          clientId={state.clientId}
          returned={state.returned ?? null}
          leaseExpiresAt={leaseExpiresAt}
          leaseLost={leaseLost}
          onSubmit={onSubmit}
          onDone={onDone}
          onLeaseLost={setLeaseLost}
          onNext={() => void advance()}
        />
      )}
    </div>
  );
}

function TaskScreen({
  task,
  clientId,
  returned,
  leaseExpiresAt,
  leaseLost,
  onSubmit,
  onDone,
  onLeaseLost,
  onNext,
}: {
  task: TaskPayload;
  clientId: string;
  returned: string | null;
  leaseExpiresAt: string | null;
  leaseLost: string | null;
  onSubmit: (submission: Submission) => void;
  onDone: (summary: string) => void;
  onLeaseLost: (message: string) => void;
  onNext: () => void;
}) {
  const view = viewOf(task);
  const View = view.component;
  const until = leaseExpiresAt ? new Date(leaseExpiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : null;
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_auto]" data-assignment-id={task.assignmentId}>
      <div className="min-w-0 space-y-3">
        <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <div>
            <h1 className="text-xl font-semibold tracking-tight">{view.title}</h1>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{view.instruction}</p>
          </div>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {task.project.name}
            {until && !leaseLost && ` · reserved for you until ${until}`}
          </p>
        </header>
        {returned && !leaseLost && (
          <div
            role="alert"
            data-testid="not-saved"
            className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
          >
            <strong>Not saved:</strong> {returned} Your work is below as you left it: change it and submit again.
          </div>
        )}
        {leaseLost && (
          <div
            role="alert"
            data-testid={returned ? "not-saved" : "lease-lost"}
            className="space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          >
            <p>
              <strong>{returned ? "Not saved: this task is no longer reserved for you." : "This task is no longer reserved for you."}</strong> {leaseLost}
            </p>
            <p>Your work is still below and kept on this device, so you can copy it.</p>
            <Button type="button" variant="secondary" onClick={onNext}>
              Get the next task
            </Button>
          </div>
        )}
        <PromptView messages={task.prompt.messages} />
        <View key={task.assignmentId} task={task} clientId={clientId} canSubmit={!leaseLost} onSubmit={onSubmit} onDone={onDone} onLeaseLost={onLeaseLost} />
      </div>
      <GuidelinesPanel guidelines={task.project.guidelines} projectName={task.project.name} />
    </div>
  );
}
