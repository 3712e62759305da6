import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { db } from "../../lib/db";
import { makeUser } from "../helpers/factories";

describe.skipIf(!browserAvailable)("sign-in in a real browser", () => {
  let app: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("signs an admin in and shows the dashboard", async () => {
    const admin = await makeUser("admin");
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.waitForURL(`${app.url}/admin`);
    await expect(page.getByRole("heading", { name: "Dashboard" }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it("refuses a labeler who opens an admin page", async () => {
    const labeler = await makeUser("labeler");
    const page = await browser.newPage();
    await signIn(page, app.url, labeler.email, labeler.password);
    await page.waitForURL(`${app.url}/label`);
    const res = await page.goto(`${app.url}/admin/users`);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" }).isVisible()).resolves.toBe(true);
    expect(await page.getByRole("link", { name: "Users", exact: true }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Projects", exact: true }).count()).toBe(0);
    await page.close();
  });

  it("shows the generic error for a wrong password, and the same for an unknown email", async () => {
    const user = await makeUser("researcher");
    const page = await browser.newPage();
    // Next.js keeps a role=alert route announcer on every page: look for ours by its text.
    const generic = page.locator("form [role=alert]");
    for (const email of [user.email, "nobody-at-all@test.local"]) {
      const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
      await signIn(page, app.url, email, "wrong password!!");
      await answered;
      await generic.waitFor();
      expect(await generic.textContent()).toBe("The email or password is incorrect.");
    }
    expect(page.url()).toContain("/signin");
    await page.close();
  });

  it("reads the role and the disabled flag on every request: a change takes effect at once", async () => {
    const user = await makeUser("researcher");
    const page = await browser.newPage();
    await signIn(page, app.url, user.email, user.password);
    await page.waitForURL(`${app.url}/runs`);
    expect((await page.request.get(`${app.url}/api/runs`)).status()).toBe(200);
    await db.user.update({ where: { id: user.id }, data: { role: "labeler" } });
    expect((await page.request.get(`${app.url}/api/runs`)).status()).toBe(403);
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect((await page.request.get(`${app.url}/api/runs`)).status()).toBe(401);
    await page.close();
  });
});
