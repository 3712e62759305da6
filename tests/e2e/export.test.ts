import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser } from "../helpers/factories";

describe.skipIf(!browserAvailable)("exports in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), "export-e2e-"));

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ STORAGE_DIR: storage }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("an admin makes an RM export with a labeler filter and downloads it; the file matches the database", async () => {
    const { project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 2 });
    const [admin, kept, left] = await Promise.all([makeUser("admin"), makeUser(), makeUser()]);
    for (const [u, tiers] of [
      [kept, "A > B > C = D"],
      [left, "D > C > B > A"],
    ] as const)
      for (let i = 0; i < 3; i++) {
        const t = (await nextTask(sqlPool(), u, { projectId: project.id }))!;
        await submitRanking(sqlPool(), u, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers, answers: [], timeSpentMs: 10 });
      }

    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.waitForURL(`${app.url}/admin`);
    await page.goto(`${app.url}/admin/exports`);
    await page.getByLabel("Kind").selectOption("rm");
    await page.getByLabel("Project").selectOption(project.id);
    await page.getByLabel("Leave out these labelers").selectOption(left.id);
    await page.getByLabel("Validation fraction").fill("0");
    await page.getByRole("button", { name: "Make export" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Export made" }).textContent()).resolves.toContain("15 rows");

    const exp = await db.export.findFirstOrThrow({ where: { projectId: project.id }, orderBy: { createdAt: "desc" } });
    const row = page.locator(`tr[data-export-id="${exp.id}"]`);
    await row.waitFor();
    const files = exp.files as { name: string; sha256: string }[];
    const train = files.find((f) => f.name === "train.jsonl")!;
    expect(await row.textContent()).toContain(train.sha256);
    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: "train.jsonl" }).click()]);
    const body = fs.readFileSync((await download.path())!);
    expect(crypto.createHash("sha256").update(body).digest("hex")).toBe(train.sha256);

    // The database's view: the kept labeler's comparisons without ties.
    const comps = await db.comparison.findMany({
      where: { projectId: project.id, labelerId: kept.id, tie: false },
      include: { chosen: { select: { text: true } }, rejected: { select: { text: true } }, task: { include: { prompt: true } } },
    });
    const expected = comps
      .map((c) => JSON.stringify({ prompt: (c.task.prompt.messages as { content: string }[])[0].content, chosen: c.chosen.text, rejected: c.rejected.text }))
      .sort();
    const lines = body.toString("utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.stringify(JSON.parse(l))).sort()).toEqual(expected);
    expect(lines).toHaveLength(exp.rowCount);
    expect(await db.auditLog.count({ where: { action: "export.download", targetId: exp.id } })).toBe(1);

    // A name the export does not list is refused, not looked up on disk.
    const res = await page.request.get(`${app.url}/api/exports/${exp.id}/files/..%2F..%2Fpackage.json`);
    expect(res.status()).toBe(404);
    await page.close();
  });
});
