"use client";
// The prompt, or the chat so far, pinned at the top of the task while the labeler scrolls the answers.
import { useRef, useState } from "react";
import type { TaskPayload } from "./types";
import { Markdown } from "./markdown";
import { usePinnedEdge } from "./use-pinned-edge";

type Message = TaskPayload["prompt"]["messages"][number];

const ROLE = {
  system: { label: "System", bubble: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800/70 dark:text-zinc-300" },
  user: { label: "User", bubble: "bg-indigo-50 dark:bg-indigo-950/60" },
  assistant: { label: "Assistant", bubble: "bg-white dark:bg-zinc-900" },
} as const;

export function PromptView({ messages }: { messages: Message[] }) {
  const [expanded, setExpanded] = useState(false);
  const single = messages.length === 1 && messages[0]?.role === "user";
  const ref = useRef<HTMLElement>(null);
  usePinnedEdge(ref, "top");
  return (
    <section
      ref={ref}
      aria-label="Prompt"
      className="sticky top-0 z-20 border-b border-zinc-200 bg-zinc-50/95 pt-2 pb-3 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/95"
    >
      <div className="mb-1 flex items-center justify-between gap-2">
        <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          {single ? "Prompt" : `Conversation (${messages.length} messages)`}
        </h2>
        <button
          type="button"
          className="rounded px-2 py-0.5 text-xs text-zinc-600 hover:bg-zinc-200/60 dark:text-zinc-400 dark:hover:bg-zinc-800"
          aria-expanded={expanded}
          onClick={() => setExpanded((e) => !e)}
        >
          {expanded ? "Collapse" : "Expand"}
        </button>
      </div>
      <ol className={`space-y-2 overflow-y-auto ${expanded ? "max-h-[70vh]" : "max-h-[28vh]"}`} tabIndex={0} aria-label="Messages">
        {messages.map((m, i) => (
          <li key={i} className={`flex ${m.role === "user" && !single ? "justify-end" : ""}`}>
            <div
              className={`rounded-lg border border-zinc-200 px-3 py-1.5 text-sm dark:border-zinc-800 ${ROLE[m.role].bubble} ${single ? "w-full" : "max-w-[90%]"}`}
            >
              {!single && <div className="text-xs font-semibold text-zinc-500 dark:text-zinc-400">{ROLE[m.role].label}</div>}
              <Markdown>{m.content}</Markdown>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
