"use client";
// The tier board itself: answers dragged, placed by menu or by number key into tiers (best first).
// Used by the ranking task and by the edit of a past ranking, so both look and work the same.
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { AnswerCard } from "./answer-card";
import type { LabelSchema } from "@/lib/labeling/label-schema";
import type { AnswerMeta } from "./answer-meta";
import { boardKeyAction } from "./board-keys";
import { place, placeByKey, tieWithAbove, tierIndexOf, visualOrder, type Board, type Placement } from "./board-state";
import { DragLayer } from "./drag-layer";
import { NewTierZone, TierRow, UnrankedZone } from "./drop-zones";

/**
 * Focuses an answer card and scrolls it so its top edge (letter, placement) is in the band between
 * the pinned prompt and the pinned submit bar (their heights are the page's scroll padding, see
 * use-pinned-edge.ts). The browser's own focus scrolling may centre a tall card under the prompt.
 */
function reveal(el: HTMLElement | undefined) {
  if (!el) return;
  el.focus({ preventScroll: true });
  const style = getComputedStyle(document.documentElement);
  const top = parseFloat(style.scrollPaddingTop) || 0;
  const bottom = window.innerHeight - (parseFloat(style.scrollPaddingBottom) || 0);
  const r = el.getBoundingClientRect();
  if (r.top >= top && r.bottom <= bottom) return; // already in full view
  // Below the band: scroll up just enough to show it whole, but never past its top edge.
  const by = r.top < top ? r.top - top : Math.min(r.bottom - bottom, r.top - top);
  window.scrollBy({ top: by });
}

export function TierBoard({
  board,
  onBoard,
  texts,
  metaOf,
  schema,
  onMeta,
  idPrefix,
  advance,
  focusFirst = false,
}: {
  board: Board;
  onBoard: (next: Board) => void;
  texts: Map<number, string>;
  metaOf: (pos: number) => AnswerMeta;
  /** The project's label schema (default: InstructGPT's flags and the 1-7 quality score). */
  schema?: LabelSchema;
  onMeta: (pos: number, meta: AnswerMeta) => void;
  idPrefix: string;
  /** After a tier key, move on to the next unranked answer (the labeler's setting; off by default). */
  advance: boolean;
  /** Give the first answer the focus when the board opens (the task page; not an edit in a list). */
  focusFirst?: boolean;
}) {
  const [dragging, setDragging] = useState(false);
  const k = texts.size;

  // Keyboard focus follows the answer being ranked; cards remount when they change tier.
  const cards = useRef(new Map<number, HTMLElement>());
  const focusNext = useRef<number | null>(null);
  const cardRef = (pos: number, el: HTMLElement | null) => (el ? cards.current.set(pos, el) : cards.current.delete(pos));
  useEffect(() => {
    const pos = focusNext.current;
    focusNext.current = null;
    if (pos !== null) reveal(cards.current.get(pos));
  }, [board]);
  useEffect(() => {
    // Ready for the keyboard at once: the first answer has focus (without scrolling past the prompt).
    const [first] = visualOrder(board);
    if (focusFirst && first !== undefined && document.activeElement === document.body) cards.current.get(first)?.focus({ preventScroll: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the board opens, not on each move
  }, []);

  const update = (pos: number, next: Board, byKeyboard: boolean) => {
    onBoard(next);
    if (!byKeyboard) return;
    // The focus stays on the answer just placed, unless the labeler turned on "move on to the next
    // unranked answer" in the shortcut panel (then "1, 2, 3, 3" ranks A..D).
    const wasUnranked = board.unranked.includes(pos);
    const left = next.unranked;
    const nextUnranked = left.find((p) => p > pos) ?? left[0];
    focusNext.current = advance && wasUnranked && nextUnranked !== undefined ? nextUnranked : pos;
  };

  const onBoardKey = (e: KeyboardEvent<HTMLElement>, pos: number): boolean => {
    if (dragging || e.target !== e.currentTarget) return false;
    const action = boardKeyAction(e);
    if (!action) return false;
    e.preventDefault();
    if (action.type === "focus") {
      const order = visualOrder(board);
      const i = Math.min(order.length - 1, Math.max(0, order.indexOf(pos) + action.delta));
      const target = order[i];
      if (target !== undefined) reveal(cards.current.get(target));
    } else if (action.type === "tier") update(pos, placeByKey(board, pos, action.tier), true);
    else if (action.type === "tie") update(pos, tieWithAbove(board, pos), true);
    else update(pos, place(board, pos, { kind: "unranked" }), true);
    return true;
  };

  const card = (pos: number) => (
    <AnswerCard
      key={pos}
      pos={pos}
      text={texts.get(pos) ?? ""}
      tierIndex={tierIndexOf(board, pos)}
      tierCount={board.tiers.length}
      meta={metaOf(pos)}
      schema={schema}
      idPrefix={idPrefix}
      onMeta={(m) => onMeta(pos, m)}
      onPlace={(to: Placement) => update(pos, place(board, pos, to), false)}
      onBoardKey={onBoardKey}
      cardRef={cardRef}
    />
  );

  return (
    <DragLayer texts={texts} onDragging={setDragging} onDrop={(pos, to) => update(pos, place(board, pos, to), false)}>
      <div>
        {board.tiers.map((tier, t) => (
          <Fragment key={t}>
            <NewTierZone before={t} last={false} dragging={dragging} empty={false} />
            <TierRow index={t} count={tier.length}>
              {tier.map(card)}
            </TierRow>
          </Fragment>
        ))}
        <div className={board.tiers.length > 0 ? "mt-4" : ""}>
          <NewTierZone before={board.tiers.length} last dragging={dragging} empty={board.tiers.length === 0} />
        </div>
      </div>
      <UnrankedZone count={board.unranked.length} total={k}>
        {board.unranked.map(card)}
      </UnrankedZone>
    </DragLayer>
  );
}
