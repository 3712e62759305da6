// Issue 16 in Chromium: a labeler compares two answers A | B by keyboard alone (7 = B slightly
// better, 2 = A better, Ctrl+Enter submits), takes the submission back with Ctrl+Z and with the
// Undo button (the task comes back with the choice restored), and after the window there is no undo.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser } from "../helpers/factories";

const ranking = async (labelerId: string) => db.ranking.findMany({ where: { labelerId }, include: { comparisons: true }, orderBy: { createdAt: "asc" } });

describe.skipIf(!browserAvailable)("pairwise A | B and undo in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  let project: { id: string };
  let labeler: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    ({ project } = await makeProject({ k: 2, rankingTasks: 3, rankingsPerTask: 1 }));
    labeler = await makeUser("labeler");
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, labeler.email, labeler.password);
    await page.waitForURL(`${app.url}/label`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("compares by keyboard: 7 is B slightly better, Ctrl+Enter stores B > A with that strength", async () => {
    await page.goto(`${app.url}/label/work?project=${project.id}&kind=ranking`);
    await page.getByTestId("pair-A").waitFor();
    expect(await page.getByTestId("pair-B").isVisible()).toBe(true);
    // side by side: B is to the right of A, on the same row
    const [a, b] = await Promise.all([page.getByTestId("pair-A").boundingBox(), page.getByTestId("pair-B").boundingBox()]);
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    expect(Math.abs(b!.y - a!.y)).toBeLessThan(5);
    await page.keyboard.press("7");
    await expect.poll(() => page.getByTestId("pairwise-choice").textContent()).toBe("B is slightly better");
    await page.keyboard.press("Control+Enter");
    await expect.poll(async () => (await ranking(labeler.id)).length, { timeout: 10_000 }).toBe(1);
    const [r] = await ranking(labeler.id);
    expect(r.notation).toBe("B > A");
    expect(r.comparisons.map((c) => [c.strength, c.tie])).toEqual([["slightly", false]]);
  });

  it("Ctrl+Z takes it back: the ranking is gone and the same task returns with the choice restored", async () => {
    const [first] = await ranking(labeler.id);
    await page.getByRole("button", { name: "Undo" }).waitFor();
    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await ranking(labeler.id)).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId("pairwise-choice").textContent(), { timeout: 10_000 }).toBe("B is slightly better");
    const a = await db.assignment.findUniqueOrThrow({ where: { id: first.assignmentId } });
    expect(a.status).toBe("active");
    expect((await db.auditLog.findFirst({ where: { action: "ranking.undo", targetId: first.id } }))?.actorId).toBe(labeler.id);
    // change the answer: 2 = A better, and submit again on the same task
    await page.keyboard.press("2");
    await expect.poll(() => page.getByTestId("pairwise-choice").textContent()).toBe("A is better");
    await page.keyboard.press("Control+Enter");
    await expect.poll(async () => (await ranking(labeler.id)).length, { timeout: 10_000 }).toBe(1);
    const [again] = await ranking(labeler.id);
    expect(again.taskId).toBe(first.taskId);
    expect([again.notation, again.comparisons[0].strength]).toEqual(["A > B", "better"]);
  });

  it("the Undo button does the same; once the window has passed there is no undo", async () => {
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(async () => (await ranking(labeler.id)).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId("pairwise-choice").textContent(), { timeout: 10_000 }).toBe("A is better");
    await db.project.update({ where: { id: project.id }, data: { undoSeconds: 1 } });
    await page.reload();
    await page.getByTestId("pair-A").waitFor();
    await page.keyboard.press("9");
    await page.keyboard.press("Control+Enter");
    await expect.poll(async () => (await ranking(labeler.id)).length, { timeout: 10_000 }).toBe(1);
    await page.waitForTimeout(1500);
    expect(await page.getByRole("button", { name: "Undo" }).count()).toBe(0);
    await page.keyboard.press("Control+z");
    await page.waitForTimeout(500);
    expect(await ranking(labeler.id)).toHaveLength(1);
  });
});
