// The labeler's wait between tasks, measured in the page: a ranking task is ranked A > B > C > D by
// keyboard, and the time from the click on "Submit ranking" to the next task's answers on screen
// is taken with performance.now() and requestAnimationFrame, with the requests started in between.
// Used by tests/e2e/labeling-no-wait.test.ts and bench/queue-visible.ts (npm run bench:queue -- --visible).
import type { Page } from "playwright-core";

export type SubmitTiming = {
  /** Click to the next task visible. */
  ms: number;
  /** Next-task requests started between the click and the next task visible (0: it was prefetched). */
  queueRequests: number;
  /** Click to the save's answer: the background request, answered after the next task is on screen or before. */
  saveMs: number;
};

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Ranks the task on screen and submits it; resolves once the next one is on screen. */
async function timeOneSubmit(page: Page): Promise<SubmitTiming> {
  await page.getByTestId("answer-A").waitFor();
  await waitFor(async () => ((await page.getByTestId("ranking-notation").textContent()) ?? "").includes("unranked: A, B, C, D"), 10_000, "a fresh board");
  await page.getByTestId("answer-A").focus();
  for (const key of ["1", "ArrowDown", "2", "ArrowDown", "3", "ArrowDown", "4"]) await page.keyboard.press(key);
  await waitFor(async () => (await page.getByTestId("ranking-notation").textContent()) === "A > B > C > D", 10_000, "the ranking A > B > C > D");
  // The next task is leased ahead (the page says so once its request has answered).
  await waitFor(async () => (await page.getByTestId("task-runner").getAttribute("data-next-ready")) === "true", 30_000, "the prefetched next task");
  // No named function inside: run through tsx (bench:queue -- --visible), esbuild's keepNames wraps
  // one in a __name() helper that the page, where this function is sent as text, does not have.
  const shown = await page.evaluate(async () => {
    const before = document.querySelector("[data-assignment-id]")!.getAttribute("data-assignment-id");
    const t0 = performance.now();
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Submit ranking")!.click();
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = document.querySelector("[data-assignment-id]")?.getAttribute("data-assignment-id");
      if (now && now !== before && document.querySelector('[data-testid="answer-A"]')) {
        const t1 = performance.now();
        const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        const queued = entries.filter((e) => e.name.includes("/api/queue/next") && e.startTime >= t0 && e.startTime < t1);
        return { ms: t1 - t0, queueRequests: queued.length, t0 };
      }
    }
  });
  // The save's request, sent at the click: its answer is in the page's resource timings once it has come.
  const save = await page.waitForFunction(
    (t0) => {
      const e = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find(
        (x) => x.name.includes("/api/tasks/ranking") && x.startTime >= t0,
      );
      return e ? e.responseEnd - t0 : false;
    },
    shown.t0,
    { timeout: 60_000, polling: 50 },
  );
  return { ms: shown.ms, queueRequests: shown.queueRequests, saveMs: (await save.jsonValue()) as number };
}

/** `n` submits in a row on the task page already open; the figures in ms. */
export async function timeSubmits(page: Page, n: number): Promise<SubmitTiming[]> {
  // Resource timings are kept for every request of the page: room for all of these.
  await page.evaluate(() => performance.setResourceTimingBufferSize(10_000));
  const out: SubmitTiming[] = [];
  for (let i = 0; i < n; i++) out.push(await timeOneSubmit(page));
  return out;
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** p50/p95/max of the waits, rounded to 0.1 ms. */
export function summarize(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(q(s, 50)), p95: r(q(s, 95)), max: r(s[s.length - 1]) };
}
