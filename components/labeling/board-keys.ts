// The ranking board's keyboard map, as data: the legend and the key handler both read it.
export type BoardKeyAction =
  | { type: "focus"; delta: 1 | -1 }
  | { type: "tier"; tier: number } // 0-based tier index, exactly as numbered on screen
  | { type: "tie" }
  | { type: "unrank" };

/** The action for a key pressed on a focused answer card, or null to let the browser have it. */
export function boardKeyAction(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): BoardKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === "ArrowDown" || e.key === "j") return { type: "focus", delta: 1 };
  if (e.key === "ArrowUp" || e.key === "k") return { type: "focus", delta: -1 };
  if (/^[1-9]$/.test(e.key)) return { type: "tier", tier: Number(e.key) - 1 };
  if (e.key === "=") return { type: "tie" };
  if (e.key === "0" || e.key === "Backspace" || e.key === "Delete") return { type: "unrank" };
  return null;
}

/** True for Ctrl+Enter / Cmd+Enter, the submit shortcut everywhere in a task. */
export const isSubmitKey = (e: { key: string; ctrlKey: boolean; metaKey: boolean }) => e.key === "Enter" && (e.ctrlKey || e.metaKey);

export const BOARD_KEYS: { keys: string[]; does: string }[] = [
  { keys: ["↑", "↓", "j", "k"], does: "previous / next answer" },
  { keys: ["1", "…", "9"], does: "put the answer in exactly that tier (tiers above may stay empty)" },
  { keys: ["="], does: "tie with the ranked tier above" },
  { keys: ["0", "⌫"], does: "back to unranked" },
  { keys: ["Space"], does: "pick up / drop (then arrows to move)" },
  { keys: ["Ctrl", "Enter"], does: "submit" },
  { keys: ["Ctrl", "Z"], does: "undo the last submission (while its Undo button shows)" },
];
