// Issue 20 in Chromium: a labeler never waits between tasks. A submit shows the task leased ahead
// at once and saves in the background; the label stays on the device until the server has it, a
// failed save (a 5xx, the server unreachable, the tab closed meanwhile) is retried with the status
// saying so, a label the server refuses brings the labeler back to that task with their work and
// the server's sentence, and Ctrl+Z still takes a submission back, even while it is on its way.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser } from "../helpers/factories";
import { runLabelers, seedLabeling } from "../helpers/labelers";
import { summarize, timeSubmits, type SubmitTiming } from "../helpers/submit-timing";

const CROWD = 200; // simulated labelers working while the browser labeler is timed (as bench:queue)
const TARGET_P95_MS = 100; // bench:queue's target, printed beside the figure

const onScreen = (page: Page) => page.locator("[data-assignment-id]").getAttribute("data-assignment-id");
const outboxKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("rlhf:outbox:")));
const saveState = (page: Page) => page.getByTestId("save-status").getAttribute("data-state");
const rankings = (labelerId: string, projectId: string) =>
  db.ranking.findMany({ where: { labelerId, task: { projectId } }, select: { notation: true, taskId: true } });

/** Places the answers on the fresh board by keyboard (`keys` after focusing A) and waits for `notation`. */
async function rank(page: Page, keys: string[], notation: string) {
  await page.getByTestId("answer-A").waitFor();
  await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toContain("unranked: A, B, C, D");
  await page.getByTestId("answer-A").focus();
  for (const key of keys) await page.keyboard.press(key);
  await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toBe(notation);
}
const IN_ORDER = ["1", "ArrowDown", "2", "ArrowDown", "3", "ArrowDown", "4"];

describe.skipIf(!browserAvailable)("a labeler never waits between tasks", () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  let labeler: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    labeler = await makeUser("labeler");
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, labeler.email, labeler.password);
    await page.waitForURL(`${app.url}/label`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  // The time itself is a benchmark's figure (npm run bench:queue -- --visible, target p95 < 100 ms); the test
  // checks what makes it short: no request between the submit and the next task, and every label stored once.
  it(`shows the next task at once and saves in the background, with ${CROWD} simulated labelers working`, async () => {
    const n = 20;
    const seeded = await seedLabeling({ name: "no-wait", answerSets: 800, rankingsPerTask: 1, labelers: CROWD });
    const { project: p } = await makeProject({ rankingTasks: n + 2, rankingsPerTask: 1 });
    let stop!: () => void;
    const crowd = runLabelers({ bases: [app.url], seeded, thinkMs: 5000, until: new Promise<void>((r) => (stop = r)) });
    let timings: SubmitTiming[] = [];
    try {
      await page.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
      // Let the crowd reach its steady rate (about 40 requests/s) before timing.
      await expect.poll(() => crowd.stats.acks.length, { timeout: 60_000 }).toBeGreaterThan(CROWD / 4);
      timings = await timeSubmits(page, n);
      // The last save has its answer: the status says so (it fades after a few seconds, so look now, not after the crowd stops).
      await expect.poll(() => saveState(page)).toBe("saved");
      expect(await page.getByTestId("save-status").textContent()).toContain("Saved: A > B > C > D");
    } finally {
      stop();
    }
    const stats = await crowd.done;
    const shown = summarize(timings.map((t) => t.ms));
    const saved = summarize(timings.map((t) => t.saveMs));
    console.log(
      JSON.stringify({
        metric: "submit_to_next_task_visible_ms",
        ...shown,
        save_answer_p95_ms: saved.p95,
        simulated_labelers: CROWD,
        crowd_submits: stats.acks.length,
        target_p95_ms: TARGET_P95_MS,
      }),
    );
    // No request between the click and the next task: it was leased ahead, and the save does not hold it up.
    expect(timings.map((t) => t.queueRequests)).toEqual(Array(n).fill(0));
    expect(stats.serverErrors).toBe(0);
    // Every label reached the server, once; nothing is left on the device.
    await expect.poll(async () => (await rankings(labeler.id, p.id)).length, { timeout: 30_000 }).toBe(n);
    expect((await rankings(labeler.id, p.id)).every((r) => r.notation === "A > B > C > D")).toBe(true);
    await expect.poll(() => outboxKeys(page)).toEqual([]);
    // Leaving the page gives the unused prefetched lease back: its slot is free at once.
    const leased = () => db.assignment.count({ where: { userId: labeler.id, status: "active", leasedUntil: { gt: new Date() }, task: { projectId: p.id } } });
    expect(await leased()).toBe(2); // the task on screen and the next one
    await page.goto(`${app.url}/label`);
    await expect.poll(leased, { timeout: 10_000 }).toBe(1); // the one on screen stays reserved, as before
  }, 600_000);

  it("a save answered 500 is retried: the next task shows at once, the label stays on the device until stored", async () => {
    const { project: p } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    let tries = 0;
    await page.route("**/api/tasks/ranking", (route) =>
      tries++ === 0
        ? route.fulfill({
            status: 500,
            contentType: "application/json",
            body: JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side." } }),
          })
        : route.continue(),
    );
    try {
      await page.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
      await rank(page, IN_ORDER, "A > B > C > D");
      const first = await onScreen(page);
      await page.keyboard.press("Control+Enter");
      await expect.poll(() => onScreen(page)).not.toBe(first);
      await expect.poll(() => saveState(page)).toBe("retrying");
      expect(await page.getByTestId("save-status").textContent()).toMatch(
        /Couldn't save your label — retrying.*Something went wrong on our side\. It is kept on this device/,
      );
      const kept = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), `rlhf:outbox:${first}`);
      expect(kept?.value?.body?.tiers).toEqual([[0], [1], [2], [3]]);
      // The retry (about a second later) stores it once.
      await expect.poll(async () => (await rankings(labeler.id, p.id)).map((r) => r.notation), { timeout: 20_000 }).toEqual(["A > B > C > D"]);
      await expect.poll(() => saveState(page)).toBe("saved");
      expect(await outboxKeys(page)).toEqual([]);
      expect(tries).toBe(2);
    } finally {
      await page.unroute("**/api/tasks/ranking");
    }
  });

  it("with the server unreachable the label is kept through a closed tab and sent on the next visit", async () => {
    const { project: p } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    // A context of its own (pages made by browser.newPage cannot open more): one browser profile, two visits.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await signIn(tab, app.url, labeler.email, labeler.password);
    await tab.waitForURL(`${app.url}/label`);
    await tab.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
    await rank(tab, ["1", "ArrowDown", "1", "ArrowDown", "2", "ArrowDown", "3"], "A = B > C > D");
    await expect.poll(() => tab.getByTestId("task-runner").getAttribute("data-next-ready")).toBe("true");
    const first = await onScreen(tab);
    await context.setOffline(true);
    try {
      await tab.keyboard.press("Control+Enter");
      await expect.poll(() => onScreen(tab)).not.toBe(first); // the next task, leased ahead, needs no server
      await expect.poll(() => saveState(tab)).toBe("retrying");
      expect(await tab.getByTestId("save-status").textContent()).toContain("The server cannot be reached.");
      await tab.waitForTimeout(1500); // a retry or two, still offline
      expect(await outboxKeys(tab)).toEqual([`rlhf:outbox:${first}`]);
      await tab.close();
    } finally {
      await context.setOffline(false);
    }
    expect(await rankings(labeler.id, p.id)).toEqual([]);
    // The next visit sends what the closed tab kept, and never shows that task again meanwhile.
    const again = await context.newPage();
    await again.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
    await expect.poll(async () => (await rankings(labeler.id, p.id)).map((r) => r.notation), { timeout: 20_000 }).toEqual(["A = B > C > D"]);
    await again.getByTestId("answer-A").waitFor();
    expect(await onScreen(again)).not.toBe(first);
    await expect.poll(() => outboxKeys(again)).toEqual([]);
    await context.close();
  });

  it("a label the server refuses brings the labeler back to that task, work intact, with the server's sentence", async () => {
    const { project: p } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    await page.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
    await rank(page, ["1", "ArrowDown", "1", "ArrowDown", "2", "ArrowDown", "3"], "A = B > C > D");
    const first = (await onScreen(page))!;
    // Meanwhile the task got all the rankings it wants (another labeler's lease ran out and was taken over).
    const { taskId } = await db.assignment.findUniqueOrThrow({ where: { id: first } });
    await db.task.update({ where: { id: taskId }, data: { done: 1 } });
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.getByTestId("not-saved").textContent(), { timeout: 20_000 }).toContain("This task already has all the rankings it needs.");
    expect(await onScreen(page)).toBe(first);
    expect(await page.getByTestId("ranking-notation").textContent()).toBe("A = B > C > D");
    expect(await rankings(labeler.id, p.id)).toEqual([]);
    // The labeler moves on to the task that was leased ahead.
    await page.getByRole("button", { name: "Get the next task" }).click();
    await expect.poll(() => onScreen(page)).not.toBe(first);
    await page.getByTestId("answer-A").waitFor();
  });

  it("Ctrl+Z while the label is still on its way takes it back once the server has it", async () => {
    const { project: p } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    await page.route("**/api/tasks/ranking", async (route) => {
      await new Promise((r) => setTimeout(r, 1500)); // a slow answer
      await route.continue();
    });
    try {
      await page.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
      await rank(page, IN_ORDER, "A > B > C > D");
      const first = await onScreen(page);
      await page.keyboard.press("Control+Enter");
      await expect.poll(() => onScreen(page)).not.toBe(first);
      expect(await saveState(page)).toBe("saving");
      await page.keyboard.press("Control+z");
      // Stored, then undone: the same task is back with the board as submitted.
      await expect.poll(() => onScreen(page), { timeout: 20_000 }).toBe(first);
      await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toBe("A > B > C > D");
      await expect.poll(() => page.getByTestId("save-status").textContent()).toContain("Undone");
      expect(await rankings(labeler.id, p.id)).toEqual([]);
      expect(await db.auditLog.count({ where: { action: "ranking.undo", actorId: labeler.id } })).toBeGreaterThan(0);
    } finally {
      await page.unroute("**/api/tasks/ranking");
    }
    // Submitting it again stores it.
    await page.getByTestId("answer-D").focus();
    await page.keyboard.press("Control+Enter");
    await expect.poll(async () => (await rankings(labeler.id, p.id)).map((r) => r.notation), { timeout: 20_000 }).toEqual(["A > B > C > D"]);
  });
});
