"use client";
// The project's guidelines beside the task: collapsible on wide screens, a toggle on phones.
import { useState } from "react";
import { loadStored, saveStored } from "./local-store";
import { Markdown } from "./markdown";

const KEY = "guidelines-open";

export function GuidelinesPanel({ guidelines, projectName }: { guidelines: string; projectName: string }) {
  // Mounted only in the browser (after the task loads). Open by default on wide screens only.
  const [open, setOpen] = useState<boolean>(() => {
    const stored = loadStored(KEY);
    return typeof stored === "boolean" ? stored : window.matchMedia("(min-width: 1024px)").matches;
  });
  const toggle = () =>
    setOpen((o) => {
      saveStored(KEY, !o);
      return !o;
    });
  const empty = guidelines.trim() === "";
  return (
    <aside aria-label="Guidelines" className={`order-first lg:sticky lg:top-2 lg:order-none lg:self-start ${open ? "lg:w-80" : "lg:w-auto"}`}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="guidelines-body"
        onClick={toggle}
        className="flex w-full items-center justify-between gap-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:bg-zinc-800"
      >
        <span>Guidelines · {projectName}</span>
        <span aria-hidden>{open ? "−" : "+"}</span>
      </button>
      {open && (
        <div
          id="guidelines-body"
          tabIndex={0}
          className="mt-2 max-h-[60vh] overflow-y-auto rounded-md border border-zinc-200 bg-white p-3 text-sm lg:max-h-[calc(100vh-5rem)] dark:border-zinc-800 dark:bg-zinc-900"
        >
          {empty ? <p className="text-zinc-500">This project has no written guidelines.</p> : <Markdown>{guidelines}</Markdown>}
        </div>
      )}
    </aside>
  );
}
