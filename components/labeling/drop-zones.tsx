"use client";
// Where answers can be dropped: a tier row, a "new tier" line between or after tiers, the unranked pool.
import { useDroppable } from "@dnd-kit/core";
import type { ReactNode } from "react";
import type { Placement } from "./board-state";

/** The attribute naming a drop zone on its element (see drag-layer.tsx). */
export const DROP_ATTR = "data-drop-zone";

const dropId = (t: Placement) => (t.kind === "tier" ? `tier:${t.index}` : t.kind === "new" ? `new:${t.before}` : "unranked");

export function parseDropId(id: string | number): Placement | null {
  const [kind, n] = String(id).split(":");
  if (kind === "unranked") return { kind: "unranked" };
  if (kind === "tier") return { kind: "tier", index: Number(n) };
  if (kind === "new") return { kind: "new", before: Number(n) };
  return null;
}

/** Columns for n answers side by side on wide screens (literal classes, so Tailwind sees them). */
const GRID_COLS: Record<number, string> = { 1: "", 2: "lg:grid-cols-2", 3: "lg:grid-cols-2 xl:grid-cols-3" };
const gridCols = (n: number) => GRID_COLS[Math.min(n, 3)] ?? "";

export function TierRow({ index, count, children }: { index: number; count: number; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId({ kind: "tier", index }) });
  return (
    <section
      ref={setNodeRef}
      {...{ [DROP_ATTR]: dropId({ kind: "tier", index }) }}
      data-testid={`tier-${index + 1}`}
      aria-label={`Tier ${index + 1}${index === 0 ? " (best)" : ""}`}
      className={`rounded-lg border-2 p-2 transition-colors ${
        isOver ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950/40" : "border-transparent bg-indigo-50/40 dark:bg-indigo-950/20"
      }`}
    >
      <h3 className="mb-1 px-1 text-xs font-semibold text-indigo-700 dark:text-indigo-300">
        Tier {index + 1}
        {index === 0 && " · best"}
        {count > 1 && ` · ${count} tied`}
      </h3>
      {count === 0 ? (
        <p className="px-1 py-2 text-sm text-zinc-500 dark:text-zinc-400">
          Empty: press {index < 9 ? index + 1 : "its number"} on an answer, or drop one here.
        </p>
      ) : (
        <div className={`grid gap-2 ${gridCols(count)}`}>{children}</div>
      )}
    </section>
  );
}

/** A line between tiers (or after the last) that makes a new tier; it lights up while dragging. */
export function NewTierZone({ before, last, dragging, empty }: { before: number; last: boolean; dragging: boolean; empty: boolean }) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId({ kind: "new", before }) });
  if (!last)
    return (
      <div
        ref={setNodeRef}
        {...{ [DROP_ATTR]: dropId({ kind: "new", before }) }}
        data-testid={`new-tier-before-${before + 1}`}
        aria-hidden
        className={`h-4 rounded transition-colors ${isOver ? "bg-indigo-500" : dragging ? "bg-indigo-200/60 dark:bg-indigo-900/60" : ""}`}
      />
    );
  return (
    <div
      ref={setNodeRef}
      {...{ [DROP_ATTR]: dropId({ kind: "new", before }) }}
      data-testid="new-tier"
      className={`flex min-h-14 items-center justify-center rounded-lg border-2 border-dashed px-3 text-center text-sm transition-colors ${
        isOver
          ? "border-indigo-500 bg-indigo-50 text-indigo-700 dark:bg-indigo-950/40 dark:text-indigo-300"
          : dragging
            ? "border-indigo-300 text-indigo-600 dark:border-indigo-800 dark:text-indigo-400"
            : "border-zinc-300 text-zinc-500 dark:border-zinc-700"
      }`}
    >
      {empty ? "Drag the best answer here to start tier 1 (or focus it and press 1)" : `New tier ${before + 1}: drop here`}
    </div>
  );
}

export function UnrankedZone({ count, total, children }: { count: number; total: number; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId({ kind: "unranked" }) });
  // Side by side only while every answer is still here and there are at most three.
  const cols = count === total && total <= 3 ? gridCols(count) : "";
  return (
    <section
      ref={setNodeRef}
      {...{ [DROP_ATTR]: dropId({ kind: "unranked" }) }}
      data-testid="unranked"
      aria-label="Unranked answers"
      className={`rounded-lg border-2 border-dashed p-2 transition-colors ${
        isOver ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950/40" : "border-zinc-200 dark:border-zinc-800"
      }`}
    >
      <h3 className="mb-1 px-1 text-xs font-semibold text-zinc-500 dark:text-zinc-400">Unranked{count > 0 ? ` · ${count} left` : ""}</h3>
      {count === 0 ? (
        <p className="px-1 py-3 text-sm text-zinc-500">All answers are ranked. Drop one here to take it out again.</p>
      ) : (
        <div className={`grid gap-2 ${cols}`}>{children}</div>
      )}
    </section>
  );
}
