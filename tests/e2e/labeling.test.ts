// A labeler, in Chromium: writes a demonstration, then ranks 4 answers into A > B > C = D, once
// only with the keyboard and once by dragging. The database then holds 5 comparisons and 1 tie
// for each ranking. A tier key puts the answer in exactly that tier and the focus stays on it, so
// ↓ after a tier key reaches the next answer and "2" on an empty board is tier 2 (issue 21).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn, waitForSaved } from "../helpers/browser";
import { makeProject, makeUser } from "../helpers/factories";

async function latestRanking(labelerId: string) {
  const r = await db.ranking.findFirstOrThrow({
    where: { labelerId },
    orderBy: { createdAt: "desc" },
    include: { comparisons: true },
  });
  return { notation: r.notation, comparisons: r.comparisons.filter((c) => !c.tie).length, ties: r.comparisons.filter((c) => c.tie).length };
}

describe.skipIf(!browserAvailable)("labeling in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  let project: { id: string };
  let labeler: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    ({ project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1, demoPrompts: 1, demonstrationsPerPrompt: 1 }));
    labeler = await makeUser("labeler");
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, labeler.email, labeler.password);
    await page.waitForURL(`${app.url}/label`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("writes a demonstration and submits it with Ctrl+Enter", async () => {
    await page.goto(`${app.url}/label/work?project=${project.id}&kind=demonstration`);
    const editor = page.getByLabel("Your demonstration (markdown)");
    await editor.fill("Here is **my** answer.");
    await editor.press("Control+Enter");
    await waitForSaved(page, () => db.demonstration.count({ where: { authorId: labeler.id } }), 1, app.logs);
    const demo = await db.demonstration.findFirstOrThrow({ where: { authorId: labeler.id } });
    expect(demo.text).toBe("Here is **my** answer.");
  });

  it("ranks 4 answers into A > B > C = D with the keyboard alone", async () => {
    await page.goto(`${app.url}/label/work?project=${project.id}&kind=ranking`);
    await page.getByTestId("answer-A").waitFor();
    await page.getByTestId("answer-A").focus();
    // The shortcut panel says where the focus goes after a tier key: it stays on the answer.
    expect(await page.getByTestId("focus-after-place").textContent()).toContain("stays on the answer you placed");
    await page.keyboard.press("1");
    expect(await page.getByTestId("answer-A").evaluate((el) => el === document.activeElement)).toBe(true);
    for (const key of ["ArrowDown", "2", "ArrowDown", "3", "ArrowDown", "3"]) await page.keyboard.press(key);
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toBe("A > B > C = D");
    // The notation sits beside the submit button and stays on screen wherever the page is scrolled.
    for (const y of [0, 100_000]) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      const [notation, submit] = await Promise.all([
        page.getByTestId("ranking-notation").boundingBox(),
        page.getByRole("button", { name: "Submit ranking" }).boundingBox(),
      ]);
      expect(notation!.y).toBeGreaterThanOrEqual(0);
      expect(notation!.y + notation!.height).toBeLessThanOrEqual(900);
      expect(Math.abs(notation!.y + notation!.height / 2 - (submit!.y + submit!.height / 2))).toBeLessThan(40);
    }
    await page.getByTestId("answer-D").focus();
    await page.keyboard.press("Control+Enter");
    await waitForSaved(page, () => db.ranking.count({ where: { labelerId: labeler.id } }), 1, app.logs);
    expect(await latestRanking(labeler.id)).toEqual({ notation: "A > B > C = D", comparisons: 5, ties: 1 });
  });

  it("2 on an empty board is tier 2: 2 on A, then 1 on B ranks B above A", async () => {
    await page.getByTestId("answer-A").waitFor();
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toContain("unranked: A, B, C, D");
    await page.getByTestId("answer-A").focus();
    await page.keyboard.press("2");
    await expect.poll(() => page.getByTestId("tier-1").textContent()).toContain("Empty");
    // ↓ follows the screen: B now shows first, then A, then C and D.
    for (const key of ["ArrowDown", "1", "ArrowDown", "ArrowDown", "3", "ArrowDown", "4"]) await page.keyboard.press(key);
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toBe("B > A > C > D");
    await page.keyboard.press("Control+Enter");
    await waitForSaved(page, () => db.ranking.count({ where: { labelerId: labeler.id } }), 2, app.logs);
    expect(await latestRanking(labeler.id)).toEqual({ notation: "B > A > C > D", comparisons: 6, ties: 0 });
  });

  it("ranks 4 answers into A > B > C = D by dragging", async () => {
    await page.getByTestId("answer-A").waitFor();
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toContain("unranked");
    await page.getByTestId("answer-A").dragTo(page.getByTestId("new-tier"));
    await page.getByTestId("answer-B").dragTo(page.getByTestId("new-tier"));
    await page.getByTestId("answer-C").dragTo(page.getByTestId("new-tier"));
    await page.getByTestId("answer-D").dragTo(page.getByTestId("tier-3"));
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toContain("A > B > C = D");
    await page.getByRole("button", { name: "Submit ranking" }).click();
    await waitForSaved(page, () => db.ranking.count({ where: { labelerId: labeler.id } }), 3, app.logs);
    expect(await latestRanking(labeler.id)).toEqual({ notation: "A > B > C = D", comparisons: 5, ties: 1 });
  });

  it("edits a past ranking on the same tier board, the answers shown, and saves the new order", async () => {
    await page.goto(`${app.url}/label`);
    const row = page.locator("li", { hasText: "A > B > C = D" }).first();
    await row.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByTestId("ranking-editor");
    await editor.getByTestId("answer-A").waitFor();
    expect(await editor.getByTestId("ranking-notation").textContent()).toBe("A > B > C = D");
    // The answers are on the board (not a bare notation field): move D up to tie with A.
    await editor.getByTestId("answer-D").focus();
    await page.keyboard.press("1");
    await expect.poll(() => editor.getByTestId("ranking-notation").textContent()).toBe("A = D > B > C");
    const id = (await db.ranking.findFirstOrThrow({ where: { labelerId: labeler.id, notation: "A > B > C = D" }, orderBy: { createdAt: "desc" } })).id;
    await editor.getByRole("button", { name: "Save ranking" }).click();
    await expect.poll(() => db.ranking.findUniqueOrThrow({ where: { id } }).then((r) => r.notation), { timeout: 10_000 }).toBe("A = D > B > C");
  });

  it("never leaves a focused answer under the pinned prompt or the submit bar", async () => {
    const small = await browser.newPage({ viewport: { width: 1280, height: 520 } });
    await signIn(small, app.url, labeler.email, labeler.password);
    await small.waitForURL(`${app.url}/label`);
    const { project: p } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    await small.goto(`${app.url}/label/work?project=${p.id}&kind=ranking`);
    await small.getByTestId("answer-A").waitFor();
    await small.getByTestId("answer-D").focus(); // far down: the page scrolls
    for (const key of ["ArrowUp", "ArrowUp", "ArrowUp", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowUp", "ArrowUp", "ArrowUp"]) {
      await small.keyboard.press(key);
      const [prompt, bar, card] = await Promise.all([
        small.getByRole("region", { name: "Prompt" }).boundingBox(),
        small.getByRole("button", { name: "Submit ranking" }).boundingBox(),
        small.locator(":focus").boundingBox(),
      ]);
      // The focused card's top edge (its letter and placement) is in the free band between the two.
      expect(card!.y).toBeGreaterThanOrEqual(prompt!.y + prompt!.height - 1);
      expect(card!.y).toBeLessThan(bar!.y);
    }
    await small.close();
  });
});
