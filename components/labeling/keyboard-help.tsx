// A short legend of the ranking board's keys.
import { BOARD_KEYS } from "./board-keys";

const KBD = "rounded border border-zinc-300 bg-white px-1 font-mono text-[0.7rem] dark:border-zinc-700 dark:bg-zinc-900";

/** `advance`: the labeler's choice to move on to the next unranked answer after a tier key (off by default). */
export function KeyboardHelp({ advance, onAdvance }: { advance: boolean; onAdvance: (on: boolean) => void }) {
  return (
    <details open className="text-xs text-zinc-600 dark:text-zinc-400">
      <summary className="cursor-pointer select-none">Keyboard shortcuts</summary>
      <ul className="mt-1 grid gap-x-4 gap-y-1 sm:grid-cols-2">
        {BOARD_KEYS.map((k) => (
          <li key={k.does}>
            {k.keys.map((key, i) => (
              <span key={i}>
                {i > 0 && " "}
                {key === "…" ? "…" : <kbd className={KBD}>{key}</kbd>}
              </span>
            ))}{" "}
            {k.does}
          </li>
        ))}
      </ul>
      <p className="mt-1" data-testid="focus-after-place">
        After a tier key the focus {advance ? "moves on to the next unranked answer" : "stays on the answer you placed"}.
      </p>
      <label className="mt-1 flex items-center gap-2">
        <input type="checkbox" checked={advance} onChange={(e) => onAdvance(e.target.checked)} />
        Move on to the next unranked answer after a tier key
      </label>
    </details>
  );
}
