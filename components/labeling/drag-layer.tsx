"use client";
// Drag and drop for the ranking board: mouse/pen/touch-pointer (after 6 px, so clicks still click)
// and keyboard (Space to pick up, arrows, Space to drop), with screen-reader announcements.
// While dragging, a small letter chip follows the pointer instead of the whole answer card.
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragStartEvent,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { LETTERS } from "@/lib/ranking/letters";
import type { Placement } from "./board-state";
import { DROP_ATTR, parseDropId } from "./drop-zones";

export const dragId = (pos: number) => `answer:${pos}`;
const posOf = (id: UniqueIdentifier) => Number(String(id).split(":")[1]);
const letterOfId = (id: UniqueIdentifier) => LETTERS[posOf(id)] ?? "?";

// The pointer decides; the dragged rectangle only when there is no pointer (keyboard dragging).
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

function describe(id: UniqueIdentifier): string {
  const to = parseDropId(id);
  if (!to) return "nowhere";
  if (to.kind === "tier") return `tier ${to.index + 1}`;
  if (to.kind === "new") return `a new tier ${to.before + 1}`;
  return "the unranked answers";
}

const announcements: Announcements = {
  onDragStart: ({ active }) => `Picked up answer ${letterOfId(active.id)}.`,
  onDragOver: ({ active, over }) =>
    over ? `Answer ${letterOfId(active.id)} is over ${describe(over.id)}.` : `Answer ${letterOfId(active.id)} is not over a drop area.`,
  onDragEnd: ({ active, over }) =>
    over ? `Answer ${letterOfId(active.id)} was put in ${describe(over.id)}.` : `Answer ${letterOfId(active.id)} was dropped where it was.`,
  onDragCancel: ({ active }) => `Moving answer ${letterOfId(active.id)} was cancelled.`,
};

const screenReaderInstructions = {
  draggable:
    "To rank this answer, press a number key for its tier, equals to tie it with the tier above, or 0 to unrank it. " +
    "To drag it instead, press space, move with the arrow keys, and press space again to drop or escape to cancel.",
};

type Active = { pos: number; offsetX: number; offsetY: number };

/** The drop zone under a point, read from the page itself (whatever covers it, e.g. the sticky prompt). */
function zoneAt(x: number, y: number): Placement | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const zone = el.closest(`[${DROP_ATTR}]`)?.getAttribute(DROP_ATTR);
    if (zone) return parseDropId(zone);
  }
  return null;
}

/** Where the pointer was released. A pointer drag is resolved here rather than by dnd-kit's last
 *  collision, which lags one move behind and so misses a drag made of a single long move. */
function usePointerRelease() {
  const at = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const track = (e: PointerEvent) => (at.current = { x: e.clientX, y: e.clientY });
    window.addEventListener("pointermove", track, true);
    window.addEventListener("pointerup", track, true);
    return () => {
      window.removeEventListener("pointermove", track, true);
      window.removeEventListener("pointerup", track, true);
    };
  }, []);
  return at;
}

export function DragLayer({
  texts,
  onDrop,
  onDragging,
  children,
}: {
  texts: Map<number, string>;
  onDrop: (pos: number, to: Placement) => void;
  onDragging: (dragging: boolean) => void;
  children: ReactNode;
}) {
  const [active, setActive] = useState<Active | null>(null);
  const released = usePointerRelease();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const start = ({ active: a, activatorEvent }: DragStartEvent) => {
    const rect = a.rect.current.initial;
    const pointer = activatorEvent instanceof MouseEvent || activatorEvent instanceof PointerEvent ? activatorEvent : null;
    setActive({
      pos: posOf(a.id),
      offsetX: pointer && rect ? pointer.clientX - rect.left : 24,
      offsetY: pointer && rect ? pointer.clientY - rect.top : 24,
    });
    onDragging(true);
  };
  const stop = () => {
    setActive(null);
    onDragging(false);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
      accessibility={{ announcements, screenReaderInstructions }}
      onDragStart={start}
      onDragCancel={stop}
      onDragEnd={({ active: a, over, activatorEvent }) => {
        stop();
        const byPointer = !(activatorEvent instanceof KeyboardEvent) && released.current;
        const to = byPointer ? zoneAt(byPointer.x, byPointer.y) : over ? parseDropId(over.id) : null;
        if (to) onDrop(posOf(a.id), to);
      }}
    >
      {children}
      <DragOverlay dropAnimation={null}>
        {active && (
          <div className="pointer-events-none relative h-full w-full">
            <div
              className="absolute flex max-w-72 -translate-x-1/2 -translate-y-1/2 items-center gap-2 rounded-full border border-indigo-300 bg-white py-1 pr-3 pl-1 text-sm shadow-lg dark:border-indigo-700 dark:bg-zinc-900"
              style={{ left: active.offsetX, top: active.offsetY }}
            >
              <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-bold text-white">
                {LETTERS[active.pos]}
              </span>
              <span className="truncate text-zinc-600 dark:text-zinc-300">{(texts.get(active.pos) ?? "").slice(0, 80)}</span>
            </div>
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}
