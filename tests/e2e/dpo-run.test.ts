// A DPO run in Chromium: a researcher queues a tiny DPO run on the project's rankings from an SFT
// checkpoint, with a separate reference checkpoint (one of another architecture is refused on its
// field first), a worker trains it, and the run page's charts (loss, TRL's rewards/accuracies and
// margins, the implicit rewards, the KL to the reference) fill in without a reload.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { initGPT, loadCheckpoint, saveCheckpoint, trainLM } from "../../ml/index";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser, uniq } from "../helpers/factories";

describe.skipIf(!browserAvailable)("a DPO run in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), "dpo-e2e-"));

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ STORAGE_DIR: storage, RUN_HEARTBEAT_MS: "500" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("a researcher queues a tiny DPO run on the project's rankings and sees its charts fill in", async () => {
    const { project } = await makeProject({ rankingTasks: 8, rankingsPerTask: 1 });
    const labeler = await makeUser();
    for (let i = 0; i < 8; i++) {
      const t = (await nextTask(sqlPool(), labeler, { projectId: project.id }))!;
      await submitRanking(sqlPool(), labeler, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers: "A > B > C = D", answers: [], timeSpentMs: 10 });
    }
    const data = path.join(storage, "sft.jsonl");
    fs.writeFileSync(data, Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `hi ${i}`, response: `hello ${i}!` })).join("\n"));
    const out = path.join(storage, "tiny-sft");
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
    const sftName = uniq("tiny-sft");
    const sft = await db.modelArtifact.create({ data: { kind: "sft", name: sftName, path: out, config: { modelSize: "tiny" } }, select: { id: true } });
    // the reference: a copy of the SFT folder (same architecture and tokenizer); and one a block deeper
    const refDir = path.join(storage, "tiny-ref");
    fs.cpSync(out, refDir, { recursive: true });
    const refName = uniq("tiny-ref");
    const ref = await db.modelArtifact.create({ data: { kind: "sft", name: refName, path: refDir, config: { modelSize: "tiny" } }, select: { id: true } });
    const ck = loadCheckpoint(out);
    const deeperConfig = { ...ck.config, nLayer: ck.config.nLayer + 1 };
    const deeperDir = path.join(storage, "tiny-deeper");
    saveCheckpoint(deeperDir, deeperConfig, initGPT(deeperConfig, 3), { tokenizer: ck.tokenizer === "byte" ? "byte" : { copyFrom: out } });
    const deeperName = uniq("tiny-deeper");
    const deeper = await db.modelArtifact.create({
      data: { kind: "sft", name: deeperName, path: deeperDir, config: { modelSize: "tiny" } },
      select: { id: true },
    });
    const researcher = await makeUser("researcher");

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, researcher.email, researcher.password);
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await page.goto(`${app.url}/runs/new`);
    await page.getByLabel("Kind").selectOption("dpo");
    await page.getByLabel("Project").selectOption(project.id);
    await page.getByLabel("Starting checkpoint").selectOption(sft.id);
    await page.getByLabel("Dataset").selectOption("labels-now");
    await page.getByLabel("Name (optional)").fill("e2e dpo");
    // β must be > 0: refused on its field before anything is sent
    const beta = page.locator("#run-cfg-beta");
    await beta.fill("0");
    await page.getByRole("button", { name: "Queue run" }).click();
    await expect.poll(() => page.locator("#run-cfg-beta-error").textContent()).toBe("β must be more than 0.");
    expect(await db.trainingRun.count({ where: { projectId: project.id } })).toBe(0);
    await beta.fill("0.1");
    await page.getByLabel("Epochs").fill("30");
    // the reference defaults to the starting checkpoint; one of another architecture is refused on its field
    const reference = page.getByLabel("Reference checkpoint");
    expect(await reference.inputValue()).toBe("");
    expect(await reference.locator("option:checked").textContent()).toBe("Same as the starting checkpoint");
    await reference.selectOption(deeper.id);
    await page.getByRole("button", { name: "Queue run" }).click();
    await expect
      .poll(() => page.locator("#run-refId-error").textContent())
      .toBe(
        `The reference checkpoint "${deeperName}" and the starting checkpoint "${sftName}": nLayer differs (${ck.config.nLayer} vs ${deeperConfig.nLayer}), so they are not the same model.`,
      );
    expect(await db.trainingRun.count({ where: { projectId: project.id } })).toBe(0);
    await reference.selectOption(ref.id);
    await page.getByRole("button", { name: "Queue run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ kind: "dpo", status: "queued", baseId: sft.id, name: "e2e dpo" });
    expect((run.config as Record<string, unknown>).beta).toBe(0.1);
    expect((run.config as Record<string, unknown>).refId).toBe(ref.id);

    const root = page.locator(`[data-run-id="${runId}"]`);
    const accuracy = page.locator('figure[data-chart^="Accuracy"]');
    expect(await accuracy.textContent()).toContain("Waiting for the first point.");
    app.startWorker({ WORKER_PROJECT_ID: project.id });
    await expect.poll(() => root.getAttribute("data-run-status"), { timeout: 240_000, interval: 250 }).toBe("succeeded");

    // the charts of the kind, with the train and validation lines, drawn
    await expect.poll(() => accuracy.locator('tr[data-line="train"]').count()).toBe(1);
    expect(await accuracy.locator('tr[data-line="validation"]').count()).toBe(1);
    expect(await accuracy.locator("canvas").count()).toBeGreaterThan(0);
    for (const title of ["Loss", "Margin", "Implicit reward", "KL to the reference policy"]) {
      expect(await page.locator(`figure[data-chart^="${title}"] canvas`).count(), title).toBeGreaterThan(0);
    }
    const lastAcc = await db.runMetric.findFirstOrThrow({ where: { runId, name: "rewards/accuracies" }, orderBy: { step: "desc" } });
    await expect.poll(() => accuracy.locator('tr[data-line="train"] td').nth(1).textContent()).toBe(String(lastAcc.step));
    expect(await db.runMetric.count({ where: { runId, name: "kl" } })).toBeGreaterThanOrEqual(2);
    expect(await page.getByLabel("Log tail").textContent()).toContain(`DPO (sigmoid, β 0.1) from "${sftName}", reference "${refName}"`);
    const artifact = await db.modelArtifact.findFirstOrThrow({ where: { runId } });
    expect(artifact).toMatchObject({ kind: "dpo", parentId: sft.id, config: { refId: ref.id } });
    expect(fs.existsSync(path.join(artifact.path, "dpo_reference.json"))).toBe(true);
    // the policy answered its held-out prompts at step 0 (before training) and at the end: the Samples panel lists the steps
    const evalSteps = (await db.runMetric.findMany({ where: { runId, name: "kl" }, orderBy: { step: "asc" }, select: { step: true } })).map((m) => m.step);
    const stepPicker = page.locator("section[aria-labelledby=run-samples]").getByLabel("Samples at step");
    await expect
      .poll(() => stepPicker.locator("option").allTextContents(), { timeout: 15_000 })
      .toEqual(evalSteps.map((s, i) => (i === evalSteps.length - 1 ? `${s} (latest)` : String(s))));
    expect(await page.locator("section[aria-labelledby=run-samples] [data-sample-output]").count()).toBeGreaterThan(0);
    await page.close();
  }, 360_000);
});
