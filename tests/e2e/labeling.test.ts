// A labeler, in Chromium: writes a demonstration, then ranks 4 answers into A > B > C = D, once
// only with the keyboard and once by dragging. The database then holds 5 comparisons and 1 tie
// for each ranking.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
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
    ({ project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1, demoPrompts: 1, demonstrationsPerPrompt: 1 }));
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
    await expect.poll(() => db.demonstration.count({ where: { authorId: labeler.id } }), { timeout: 10_000 }).toBe(1);
    const demo = await db.demonstration.findFirstOrThrow({ where: { authorId: labeler.id } });
    expect(demo.text).toBe("Here is **my** answer.");
  });

  it("ranks 4 answers into A > B > C = D with the keyboard alone", async () => {
    await page.goto(`${app.url}/label/work?project=${project.id}&kind=ranking`);
    await page.getByTestId("answer-A").waitFor();
    await page.getByTestId("answer-A").focus();
    for (const key of ["1", "2", "3", "="]) await page.keyboard.press(key); // focus moves to the next unranked answer
    await expect.poll(() => page.getByTestId("ranking-notation").textContent()).toContain("A > B > C = D");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => db.ranking.count({ where: { labelerId: labeler.id } }), { timeout: 10_000 }).toBe(1);
    expect(await latestRanking(labeler.id)).toEqual({ notation: "A > B > C = D", comparisons: 5, ties: 1 });
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
    await expect.poll(() => db.ranking.count({ where: { labelerId: labeler.id } }), { timeout: 10_000 }).toBe(2);
    expect(await latestRanking(labeler.id)).toEqual({ notation: "A > B > C = D", comparisons: 5, ties: 1 });
  });
});
