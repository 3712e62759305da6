// How chart lines look: colours that read on white and on zinc-900 alike; when two runs are
// compared, the same metric ("A · train", "B · train") shares a colour and B's line is dashed.

const PALETTE = ["#6366f1", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#d946ef", "#84cc16", "#f97316"];

export function lineStyles(labels: string[]): { color: string; dashed: boolean }[] {
  const keys: string[] = [];
  return labels.map((label) => {
    const [, run, metric] = /^([AB]) · (.*)$/.exec(label) ?? [];
    const key = metric ?? label;
    if (!keys.includes(key)) keys.push(key);
    return { color: PALETTE[keys.indexOf(key) % PALETTE.length]!, dashed: run === "B" }; // index is modulo the length
  });
}
