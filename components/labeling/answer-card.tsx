"use client";
// One answer on the ranking board: its letter, the text as markdown, where it is placed, and its
// Likert score and flags. The whole card is draggable (mouse, touch-free pointer, keyboard).
import { useDraggable } from "@dnd-kit/core";
import { useState, type KeyboardEvent } from "react";
import { letterOf } from "@/lib/ranking/letters";
import type { LabelSchema } from "@/lib/labeling/label-schema";
import { AnswerMetaFields, type AnswerMeta } from "./answer-meta";
import type { Placement } from "./board-state";
import { dragId } from "./drag-layer";
import { Markdown } from "./markdown";

export function AnswerCard({
  pos,
  text,
  tierIndex,
  tierCount,
  meta,
  schema,
  idPrefix,
  onMeta,
  onPlace,
  onBoardKey,
  cardRef,
}: {
  pos: number;
  text: string;
  /** The tier holding this answer, or -1 when unranked. */
  tierIndex: number;
  tierCount: number;
  meta: AnswerMeta;
  schema?: LabelSchema;
  idPrefix: string;
  onMeta: (meta: AnswerMeta) => void;
  onPlace: (placement: Placement) => void;
  /** The board's key handler; returns true when it used the key. */
  onBoardKey: (e: KeyboardEvent<HTMLElement>, pos: number) => boolean;
  cardRef: (pos: number, el: HTMLElement | null) => void;
}) {
  const letter = letterOf(pos);
  const [source, setSource] = useState(false);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({
    id: dragId(pos),
    attributes: { role: "group", roleDescription: "answer" },
  });
  // aria-pressed and aria-disabled belong to buttons, not to a group.
  const { "aria-pressed": _pressed, "aria-disabled": _disabled, ...dragAttributes } = attributes;
  const where = tierIndex < 0 ? "unranked" : `tier ${tierIndex + 1}`;
  return (
    <article
      ref={(el) => {
        setNodeRef(el);
        setActivatorNodeRef(el);
        cardRef(pos, el);
      }}
      data-testid={`answer-${letter}`}
      {...dragAttributes}
      {...listeners}
      aria-label={`Answer ${letter}, ${where}`}
      onKeyDown={(e) => {
        if (onBoardKey(e, pos)) return;
        listeners?.onKeyDown?.(e);
      }}
      className={`flex min-w-0 cursor-grab flex-col rounded-lg border bg-white shadow-sm transition-opacity active:cursor-grabbing dark:bg-zinc-900 ${
        isDragging ? "opacity-40" : ""
      } ${tierIndex < 0 ? "border-zinc-200 dark:border-zinc-800" : "border-indigo-200 dark:border-indigo-900"}`}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <span aria-hidden className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-sm font-bold text-white">
          {letter}
        </span>
        <span className="text-sm text-zinc-500 dark:text-zinc-400">{where}</span>
        <span className="ml-auto flex items-center gap-1">
          <select
            aria-label={`Place answer ${letter}`}
            value={tierIndex < 0 ? "unranked" : String(tierIndex)}
            onChange={(e) => onPlace(e.target.value === "unranked" ? { kind: "unranked" } : { kind: "tier", index: Number(e.target.value) })}
            className="rounded-md border border-zinc-300 bg-white px-1.5 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="unranked">Unranked</option>
            {Array.from({ length: tierCount }, (_, t) => (
              <option key={t} value={t}>
                Tier {t + 1}
              </option>
            ))}
            <option value={tierCount}>New tier {tierCount + 1}</option>
          </select>
          <button
            type="button"
            aria-pressed={source}
            aria-label={`Show the source text of answer ${letter}`}
            title="Show the text as written (markdown source)"
            onClick={() => setSource((s) => !s)}
            className="rounded px-1.5 py-1 font-mono text-xs text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            {"</>"}
          </button>
        </span>
      </header>
      <div className="max-h-[28rem] cursor-auto overflow-y-auto px-3 py-1 text-sm">
        {source ? <pre className="my-2 font-mono text-xs whitespace-pre-wrap">{text}</pre> : <Markdown>{text}</Markdown>}
      </div>
      <footer className="mt-auto border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <AnswerMetaFields idPrefix={`${idPrefix}-${pos}`} letter={letter} meta={meta} schema={schema} onChange={onMeta} />
      </footer>
    </article>
  );
}
