// Training runs in Chromium: a researcher fills the new-run form for a tiny reward model (a bad
// value is refused on its field first), the run page shows it queued, a worker starts, and the
// page's charts fill in and the run finishes without a reload. A labeler gets a 403 and no nav entry.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { trainLM } from "../../ml/index";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser, uniq } from "../helpers/factories";

/** A tiny SFT checkpoint (PRESETS.tiny, byte tokenizer, a few steps) registered as a ModelArtifact. */
async function tinySft(dir: string, name: string) {
  const data = path.join(dir, "sft.jsonl");
  fs.writeFileSync(data, Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `hi ${i}`, response: `hello ${i}!` })).join("\n"));
  const out = path.join(dir, "tiny-sft");
  await trainLM({
    mode: "sft",
    model: "tiny",
    data: [data],
    out,
    steps: 4,
    batchSize: 4,
    seqLen: 32,
    warmupSteps: 1,
    evalEvery: 0,
    saveEvery: 0,
    threads: 1,
    worker: false,
  });
  return db.modelArtifact.create({ data: { kind: "sft", name, path: out, config: { modelSize: "tiny" } }, select: { id: true } });
}

/** E2E_SCREENSHOTS=<folder> keeps screenshots of each page for a person to look at. */
const shots = process.env.E2E_SCREENSHOTS;
const shot = (page: import("playwright-core").Page, name: string) =>
  shots ? page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true }).then(() => undefined) : Promise.resolve();

describe.skipIf(!browserAvailable)("training runs in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), "runs-e2e-"));

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ STORAGE_DIR: storage, RUN_HEARTBEAT_MS: "500" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("a researcher queues a tiny reward-model run and watches it train to the end", async () => {
    const { project } = await makeProject({ rankingTasks: 8, rankingsPerTask: 1 });
    const labeler = await makeUser();
    for (let i = 0; i < 8; i++) {
      const t = (await nextTask(sqlPool(), labeler, { projectId: project.id }))!;
      await submitRanking(sqlPool(), labeler, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 10 });
    }
    const sftName = uniq("tiny-sft");
    const sft = await tinySft(storage, sftName);
    const researcher = await makeUser("researcher");

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, researcher.email, researcher.password);
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs", exact: true }).click();
    await page.waitForURL(`${app.url}/runs`);
    await page.getByRole("link", { name: "New run" }).click();
    await page.waitForURL(`${app.url}/runs/new`);

    await page.getByLabel("Kind").selectOption("reward_model");
    await page.getByLabel("Project").selectOption(project.id);
    await page.getByLabel("Starting checkpoint").selectOption(sft.id);
    await page.getByLabel("Dataset").selectOption("labels-now");
    await page.getByLabel("Name (optional)").fill("e2e reward model");
    // Out of range: refused on its field, in one sentence, before anything is sent.
    const lr = page.getByLabel("Peak learning rate");
    await lr.fill("5");
    await page.getByRole("button", { name: "Queue run" }).click();
    await expect.poll(() => page.locator("#run-cfg-maxLr-error").textContent()).toBe("Peak learning rate must be less than 1.");
    expect(await lr.getAttribute("aria-invalid")).toBe("true");
    expect(await lr.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await db.trainingRun.count({ where: { projectId: project.id } })).toBe(0);
    await shot(page, "new-run-error");

    await lr.fill("0.0003");
    await page.getByLabel("Epochs").fill("100"); // about 200 steps: long enough to be seen mid-way
    await page.getByRole("button", { name: "Queue run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ kind: "reward_model", status: "queued", baseId: sft.id, projectId: project.id, name: "e2e reward model" });
    expect((run.config as Record<string, unknown>).epochs).toBe(100);
    expect(run.exportId).not.toBeNull();

    // Queued, no points yet; then a worker starts and the same page (no reload) fills in.
    const root = page.locator(`[data-run-id="${runId}"]`);
    await expect.poll(() => root.getAttribute("data-run-status")).toBe("queued");
    const lossChart = page.locator('figure[data-chart^="Loss"]');
    expect(await lossChart.textContent()).toContain("Waiting for the first point.");
    app.startWorker({ WORKER_PROJECT_ID: project.id });

    const steps = new Set<string>();
    await expect
      .poll(
        async () => {
          const s = await lossChart
            .locator('tr[data-line="train"] td')
            .nth(1)
            .textContent()
            .catch(() => null);
          if (s && !steps.has(s)) {
            steps.add(s);
            if (steps.size === 3) await shot(page, "run-training");
          }
          return root.getAttribute("data-run-status");
        },
        { timeout: 180_000, interval: 250 },
      )
      .toBe("succeeded");
    console.log(`[runs e2e] the loss chart showed steps ${[...steps].join(", ")}`);
    // Seen at two or more different steps: the chart was redrawn while the run trained.
    expect(steps.size, `steps seen: ${[...steps].join(", ")}`).toBeGreaterThanOrEqual(2);
    expect(await lossChart.locator("canvas").count()).toBeGreaterThan(0);
    expect(await page.getByRole("progressbar", { name: "Run progress" }).getAttribute("aria-valuenow")).toBe("100");

    // After the final poll the page's last values are the database's.
    const lastLoss = await db.runMetric.findFirstOrThrow({ where: { runId, name: "loss" }, orderBy: { step: "desc" } });
    await expect.poll(() => lossChart.locator('tr[data-line="train"] td').nth(1).textContent()).toBe(String(lastLoss.step));
    const accuracy = page.locator('figure[data-chart^="Accuracy"] tr[data-line="train"]');
    expect(await accuracy.count()).toBe(1);
    expect(await page.locator('[data-detail="Result"]').textContent()).toContain("reward_model");
    expect(await page.getByLabel("Log tail").textContent()).toContain("reward model from");
    await page.evaluate(() => document.documentElement.classList.add("dark"));
    await shot(page, "run-done-dark");
    await page.evaluate(() => document.documentElement.classList.remove("dark"));
    if (shots) {
      await page.goto(`${app.url}/runs/compare?a=${runId}&b=${runId}`);
      await page.locator("canvas").first().waitFor();
      await shot(page, "compare");
    }
    const artifact = await db.modelArtifact.findFirstOrThrow({ where: { runId } });
    expect(artifact.kind).toBe("reward_model");

    // The list shows it finished, with who ran it and what it made.
    await page.goto(`${app.url}/runs`);
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    expect(await row.locator("[data-status]").getAttribute("data-status")).toBe("succeeded");
    expect(await row.textContent()).toContain(researcher.email);
    expect(await row.textContent()).toContain(sftName);
    await shot(page, "runs-list");
    await page.close();
  });

  it("a labeler sees no Training entry and gets a 403 on the runs pages", async () => {
    const labeler = await makeUser("labeler");
    const page = await browser.newPage();
    await signIn(page, app.url, labeler.email, labeler.password);
    await page.waitForURL(`${app.url}/label`);
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs", exact: true }).count()).toBe(0);
    for (const p of ["/runs", "/runs/new"]) {
      const res = await page.goto(`${app.url}${p}`);
      expect(res?.status(), p).toBe(403);
    }
    const api = await page.request.get(`${app.url}/api/runs`);
    expect(api.status()).toBe(403);
    await page.close();
  });
});
