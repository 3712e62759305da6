// Every page of the app, in Chromium, as each role (admin, researcher, labeler), in light and dark
// colour scheme: no console error (a hydration error, React #418, shows as one) and no failed
// request, except the 403 of a page the role may not see. The browser runs in a time zone and locale
// other than the server's, so text rendered from the browser's clock or locale cannot hydrate by luck.
// Run pages are visited with the page's scripts held back a second, so a running run's "so far"
// duration would differ between the server's render and hydration if it were read from two clocks.
import crypto from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleCan, type Permission, type Role } from "../../lib/auth/permissions";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser } from "../helpers/factories";

type Visit = { path: string; permission: Permission | null; slowScripts?: boolean };

describe.skipIf(!browserAvailable)("every page, every role, light and dark, in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  let visits: Visit[];
  const users = {} as Record<Role, Awaited<ReturnType<typeof makeUser>>>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const { project, taskIds } = await makeProject({ rankingTasks: 2, rankingsPerTask: 2, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    for (const role of ["admin", "researcher", "labeler"] as const) users[role] = await makeUser(role);
    // Each user has submitted work, so the label home lists it (with its date).
    for (const role of ["admin", "researcher", "labeler"] as const) {
      const t = (await nextTask(sqlPool(), users[role], { projectId: project.id, kind: "ranking" }))!;
      await submitRanking(sqlPool(), users[role], { clientId: crypto.randomUUID(), taskId: t.taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 10 });
    }
    const by = users.researcher.id;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const run = (data: Record<string, unknown>) =>
      db.trainingRun.create({ data: { kind: "pretrain", config: { modelSize: "tiny" }, createdById: by, ...data }, select: { id: true } });
    const queued = await run({ name: "pages queued", status: "queued" });
    // Queued again after a resume: it keeps the start of its first attempt and has no end yet.
    const requeued = await run({ name: "pages requeued", status: "queued", attempt: 0, resume: true, startedAt: minutesAgo(3) });
    const running = await run({
      name: "pages running",
      status: "running",
      attempt: 1,
      startedAt: minutesAgo(2),
      heartbeatAt: new Date(),
      progress: 0.4,
      etaSec: 90,
    });
    const done = await run({ name: "pages done", status: "succeeded", attempt: 1, progress: 1, startedAt: minutesAgo(5), finishedAt: minutesAgo(4) });
    visits = [
      { path: "/", permission: null },
      { path: "/label", permission: "tasks.work" },
      { path: `/label/work?project=${project.id}&kind=ranking`, permission: "tasks.work" },
      { path: `/label/work?project=${project.id}&kind=demonstration`, permission: "tasks.work" },
      { path: "/account", permission: "account.self" },
      { path: "/runs", permission: "runs.read" },
      { path: "/runs/new", permission: "runs.create" },
      { path: `/runs/${queued.id}`, permission: "runs.read", slowScripts: true },
      { path: `/runs/${requeued.id}`, permission: "runs.read", slowScripts: true },
      { path: `/runs/${running.id}`, permission: "runs.read", slowScripts: true },
      { path: `/runs/${done.id}`, permission: "runs.read", slowScripts: true },
      { path: `/runs/compare?a=${done.id}&b=${running.id}`, permission: "runs.read" },
      { path: "/models", permission: "runs.read" },
      { path: "/playground", permission: "runs.read" },
      { path: "/admin", permission: "projects.manage" },
      { path: "/admin/projects/new", permission: "projects.manage" },
      { path: `/admin/projects/${project.id}`, permission: "projects.manage" },
      { path: "/admin/users", permission: "users.manage" },
      { path: "/admin/exports", permission: "datasets.export" },
      { path: "/admin/quality", permission: "quality.read" },
      { path: "/admin/audit", permission: "audit.read" },
      { path: "/review", permission: "labels.review" },
      { path: "/records", permission: "labels.read_all" },
      { path: `/records?q=rank&status=open&maxAgreement=1`, permission: "labels.read_all" },
      { path: `/review/tasks/${taskIds[0]}`, permission: "labels.read_all" },
    ];
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Signs in, then visits each page in turn; returns every console error and failed request not expected. */
  async function walk(page: Page, role: Role, dark: boolean): Promise<string[]> {
    const problems: string[] = [];
    let current = "/signin";
    let forbiddenHere = false;
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      // Chromium reports the forbidden page's own 403 as a console error too: that one is expected.
      if (forbiddenHere && /status of 403/.test(m.text()) && m.location().url.startsWith(`${app.url}${current.split("?")[0]}`)) return;
      // (A console-only 404 on forbidden pages was Chromium's own /favicon.ico request, which no page
      // event shows: the forbidden page's icon link can come after Chromium looks for one. The app now
      // serves /favicon.ico, so that exception is gone; the URL is printed to say what any 404 was.)
      problems.push(`${role} ${current}: console error: ${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (e) => problems.push(`${role} ${current}: uncaught: ${e.message}`));
    page.on("requestfailed", (r) => {
      if (r.failure()?.errorText === "net::ERR_ABORTED") return; // navigations and prefetches cut short by the next visit
      problems.push(`${role} ${current}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on("response", (r) => {
      if (r.status() < 400) return;
      if (forbiddenHere && r.status() === 403 && r.request().isNavigationRequest()) return;
      problems.push(`${role} ${current}: ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    await signIn(page, app.url, users[role].email, users[role].password);
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await page.waitForLoadState("networkidle").catch(() => {});
    for (const v of visits) {
      current = v.path;
      forbiddenHere = v.permission !== null && !roleCan(role, v.permission);
      if (v.slowScripts) await page.route("**/_next/static/chunks/**", async (route) => (await new Promise((r) => setTimeout(r, 1200)), route.continue()));
      const res = await page.goto(`${app.url}${v.path}`, { waitUntil: "load" });
      expect(res?.status(), `${role} ${v.path}`).toBe(forbiddenHere ? 403 : 200);
      await page.waitForLoadState("networkidle").catch(() => {});
      if (v.slowScripts) await page.unrouteAll({ behavior: "wait" });
      if ((await page.evaluate(() => document.documentElement.classList.contains("dark"))) !== dark)
        problems.push(`${role} ${v.path}: not in the ${dark ? "dark" : "light"} theme`);
    }
    return problems;
  }

  for (const colorScheme of ["light", "dark"] as const) {
    it(`shows no console error and no failed request, ${colorScheme}`, async () => {
      const problems: string[] = [];
      for (const role of ["admin", "researcher", "labeler"] as const) {
        const context: BrowserContext = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          colorScheme,
          timezoneId: "Pacific/Kiritimati", // UTC+14: never the server's day or hour
          locale: "de-DE",
        });
        const page = await context.newPage();
        problems.push(...(await walk(page, role, colorScheme === "dark")));
        await context.close();
      }
      expect(problems).toEqual([]);
    }, 600_000);
  }

  it("serves the app icon to a signed-out visitor, and no page asks for a missing favicon", async () => {
    const res = await fetch(`${app.url}/icon.svg`, { redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
    const html = await (await fetch(`${app.url}/signin`)).text();
    expect(html).toMatch(/<link rel="icon" href="\/icon\.svg/);
    // Chromium asks for /favicon.ico by itself when a page's icon link comes late (a forbidden page): it is there.
    const ico = await fetch(`${app.url}/favicon.ico`, { redirect: "manual" });
    expect(ico.status).toBe(200);
    expect(Buffer.from(await ico.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  });
});
