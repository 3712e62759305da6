"use client";
// The labeler's work loop: take the next task, show it through TASK_VIEWS, keep its lease alive,
// confirm what was saved, and move on. Work in progress lives in localStorage, so nothing is lost
// to a reload, an error or a lost lease.
// The labeler never waits between tasks: while one task is on screen the next is already leased
// (a second lease, renewed like the first), so a submit shows it with no request in between; a
// prefetched lease not used is given back when the labeler leaves the page.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ErrorText } from "../ui/field";
import { errorMessage, nextTask, releaseLease } from "./api";
import { GuidelinesPanel } from "./guidelines-panel";
import { clearStored, clientIdFor, clientIdKey, pruneStored } from "./local-store";
import { PromptView } from "./prompt-view";
import { TASK_VIEWS } from "./task-views";
import type { TaskKind, TaskPayload } from "./types";
import { useLease } from "./use-lease";

type State =
  | { phase: "loading" }
  | { phase: "task"; task: TaskPayload; clientId: string }
  | { phase: "empty" }
  | { phase: "error"; message: string };

const SAVED_MS = 6000;

export function TaskRunner({ projectId, kind }: { projectId?: string; kind?: TaskKind }) {
  const [state, setState] = useState<State>({ phase: "loading" });
  const [saved, setSaved] = useState<string | null>(null);
  const [leaseLost, setLeaseLost] = useState<string | null>(null);
  const savedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
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
    return () => clearTimeout(savedTimer.current);
  }, [load]);

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

  const onDone = (summary: string) => {
    if (task) clearStored(clientIdKey(task.assignmentId));
    setSaved(summary);
    clearTimeout(savedTimer.current);
    savedTimer.current = setTimeout(() => setSaved(null), SAVED_MS);
    window.scrollTo({ top: 0 });
    void advance();
  };

  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className={saved ? "rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300" : "sr-only"}>
        {saved}
      </p>
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
            There are no {kind === "ranking" ? "ranking " : kind === "demonstration" ? "demonstration " : ""}tasks for you
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
  const view = TASK_VIEWS[task.kind];
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
