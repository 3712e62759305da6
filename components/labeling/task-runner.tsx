"use client";
// The labeler's work loop: take the next task, show it through TASK_VIEWS, keep its lease alive,
// confirm what was saved, and move on. Work in progress lives in localStorage, so nothing is lost
// to a reload, an error or a lost lease.
// The labeler never waits between tasks: while one task is on screen the next is already leased
// (a second lease, renewed like the first), so a submit shows it with no request in between; a
// prefetched lease not used is given back when the labeler leaves the page.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ErrorText } from "../ui/field";
import { errorMessage, nextTask, releaseLease, undoSubmission } from "./api";
import { GuidelinesPanel } from "./guidelines-panel";
import { clearStored, clientIdFor, clientIdKey, pruneStored, saveStored } from "./local-store";
import { PromptView } from "./prompt-view";
import { viewOf } from "./task-views";
import type { TaskKind, TaskPayload, Undoable } from "./types";
import { useLease } from "./use-lease";

type State =
  | { phase: "loading" }
  | { phase: "task"; task: TaskPayload; clientId: string }
  | { phase: "empty" }
  | { phase: "error"; message: string };

const SAVED_MS = 6000;

/** Ctrl+Z / Cmd+Z outside a text field (where it undoes typing). */
const isUndoKey = (e: KeyboardEvent) => {
  if (e.key.toLowerCase() !== "z" || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return false;
  const t = e.target as HTMLElement | null;
  return !(t && (t.isContentEditable || t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && (t as HTMLInputElement).type !== "checkbox" && (t as HTMLInputElement).type !== "radio")));
};

export function TaskRunner({ projectId, kind }: { projectId?: string; kind?: TaskKind }) {
  const [state, setState] = useState<State>({ phase: "loading" });
  const [saved, setSaved] = useState<string | null>(null);
  const [leaseLost, setLeaseLost] = useState<string | null>(null);
  const savedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The last submission, while its undo window lasts.
  const [undo, setUndo] = useState<(Undoable & { until: number }) | null>(null);
  const [undoError, setUndoError] = useState<string>();
  const undoTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const undoing = useRef(false);
  const task = state.phase === "task" ? state.task : null;

  // The next task, leased ahead while the labeler works on this one (null: none, or none left).
  const [prefetched, setPrefetched] = useState<TaskPayload | null>(null);
  const prefetching = useRef<Promise<TaskPayload | null> | null>(null);
  const prefetchedRef = useRef<TaskPayload | null>(null);
  prefetchedRef.current = prefetched;

  const prefetch = useCallback(
    (current: TaskPayload) => {
      const p = nextTask({ projectId, kind, exclude: [current.taskId] })
        .then((t) => (t && t.taskId !== current.taskId ? t : null))
        .catch(() => null); // no prefetch: the next task is fetched after the submit, as without one
      prefetching.current = p;
      void p.then((t) => {
        if (prefetching.current === p) setPrefetched(t);
      });
    },
    [projectId, kind],
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
    try {
      show(await nextTask({ projectId, kind }));
    } catch (e) {
      setState({ phase: "error", message: errorMessage(e) });
    }
  }, [projectId, kind, show]);

  /** The next task: the prefetched one at once when there is one, else from the queue. */
  const advance = useCallback(async () => {
    setLeaseLost(null);
    let next = prefetchedRef.current;
    if (!next && prefetching.current) {
      setState({ phase: "loading" });
      next = await prefetching.current; // already on its way: wait for it rather than ask twice
    }
    prefetching.current = null;
    setPrefetched(null);
    if (next) show(next);
    else void load();
  }, [show, load]);

  useEffect(() => {
    pruneStored();
    void load();
    return () => {
      clearTimeout(savedTimer.current);
      clearTimeout(undoTimer.current);
    };
  }, [load]);

  const takeBack = useCallback(async () => {
    if (!undo || undoing.current) return;
    undoing.current = true;
    setUndoError(undefined);
    try {
      await undoSubmission(undo.url);
      // The task comes back as this labeler's lease; its draft is restored from storage.
      saveStored(undo.draftKey, undo.draft);
      clearTimeout(undoTimer.current);
      clearTimeout(savedTimer.current);
      setUndo(null);
      setSaved("Undone: the task is back for you to change.");
      savedTimer.current = setTimeout(() => setSaved(null), SAVED_MS);
      await load();
    } catch (e) {
      setUndoError(errorMessage(e));
      setUndo(null);
    } finally {
      undoing.current = false;
    }
  }, [undo, load]);

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

  const onDone = (summary: string, undoable?: Undoable) => {
    if (task) clearStored(clientIdKey(task.assignmentId));
    setSaved(summary);
    setUndoError(undefined);
    clearTimeout(savedTimer.current);
    clearTimeout(undoTimer.current);
    const seconds = task?.project.undoSeconds ?? 0;
    if (undoable && seconds > 0) {
      setUndo({ ...undoable, until: Date.now() + seconds * 1000 });
      undoTimer.current = setTimeout(() => setUndo(null), seconds * 1000);
    } else setUndo(null);
    savedTimer.current = setTimeout(() => setSaved(null), Math.max(SAVED_MS, undoable ? seconds * 1000 : 0));
    window.scrollTo({ top: 0 });
    void advance();
  };

  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className={saved ? "rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300" : "sr-only"}>
        {saved}
        {saved && undo && (
          <>
            {" "}
            <button type="button" onClick={() => void takeBack()} className="ml-2 rounded border border-green-700 px-2 py-0.5 font-medium underline-offset-2 hover:underline dark:border-green-400">
              Undo
            </button>{" "}
            <span className="text-xs">(Ctrl+Z, for {task?.project.undoSeconds ?? ""} s)</span>
          </>
        )}
      </p>
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
          leaseExpiresAt={leaseExpiresAt}
          leaseLost={leaseLost}
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
  leaseExpiresAt,
  leaseLost,
  onDone,
  onLeaseLost,
  onNext,
}: {
  task: TaskPayload;
  clientId: string;
  leaseExpiresAt: string | null;
  leaseLost: string | null;
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
        {leaseLost && (
          <div role="alert" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
            <p>
              <strong>This task is no longer reserved for you.</strong> {leaseLost}
            </p>
            <p>Your work is still below and kept on this device, so you can copy it.</p>
            <Button type="button" variant="secondary" onClick={onNext}>
              Get the next task
            </Button>
          </div>
        )}
        <PromptView messages={task.prompt.messages} />
        <View
          key={task.assignmentId}
          task={task}
          clientId={clientId}
          canSubmit={!leaseLost}
          onDone={onDone}
          onLeaseLost={onLeaseLost}
        />
      </div>
      <GuidelinesPanel guidelines={task.project.guidelines} projectName={task.project.name} />
    </div>
  );
}
