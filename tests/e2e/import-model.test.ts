// Importing a pretrained GPT-2 folder in Chromium: a researcher uploads the folder's files on
// Models with a progress bar that climbs to the total, sees it listed as imported with its size,
// gets one sentence for a folder with a missing tensor (nothing registered), then starts an SFT
// run from it on the new-run form, which shows the memory and time estimate and refuses a gpt2
// pretraining run too big for the machine before anything is queued.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { makeProject, makeUser, uniq } from "../helpers/factories";
import { writeGpt2Folder } from "../helpers/gpt2-folder";

describe.skipIf(!browserAvailable)("importing a pretrained model in a real browser", () => {
  let app: AppServer;
  let browser: Browser;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-e2e-"));

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ STORAGE_DIR: path.join(tmp, "storage"), MODEL_IMPORT_DIR: path.join(tmp, "imports") }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("uploads a folder with progress, refuses a bad one, and offers it as an SFT base with an estimate", async () => {
    // about 13 MB of weights, so the upload reports progress on the way
    const good = writeGpt2Folder(path.join(tmp, "good"), { config: { nEmbd: 256, nLayer: 4, nHead: 4 } });
    const bad = writeGpt2Folder(path.join(tmp, "bad"), { tensors: (t) => delete t["transformer.ln_f.weight"] });
    const files = (dir: string) => fs.readdirSync(dir).map((f) => path.join(dir, f));
    const researcher = await makeUser("researcher");
    const { project } = await makeProject();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, researcher.email, researcher.password);
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await page.goto(`${app.url}/models`);

    const form = page.getByRole("region", { name: "Import a pretrained model" });
    const name = uniq("uploaded-gpt2");
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Files").setInputFiles(files(good));
    // record every value the progress bar shows
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      new MutationObserver(() => {
        const p = document.querySelector<HTMLProgressElement>('progress[aria-label="Upload progress"]');
        if (p) seen.push(p.value / p.max);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await form.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => form.getByRole("status").textContent(), { timeout: 60_000 }).toBe(`Imported "${name}".`);
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // it only climbs
    const card = page.getByRole("article", { name: `Base ${name}` });
    await expect.poll(() => card.textContent()).toMatch(/imported.*3\.4M parameters · 1[23]\.\d MB/);
    const row = await db.modelArtifact.findFirstOrThrow({ where: { name } });
    expect(row.source).toBe("imported");

    // a folder with a missing tensor: one sentence, nothing registered
    const badName = uniq("bad-gpt2");
    await form.getByLabel("Name").fill(badName);
    await form.getByLabel("Files").setInputFiles(files(bad));
    await form.getByRole("button", { name: "Import" }).click();
    await expect
      .poll(() => form.getByRole("alert").textContent(), { timeout: 60_000 })
      .toBe("The uploaded folder cannot be imported: model.safetensors has no tensor ln_f.weight, which config.json (2 layers) requires.");
    expect(await db.modelArtifact.count({ where: { name: badName } })).toBe(0);

    // the new-run form offers it as an SFT base and shows the estimate
    await page.goto(`${app.url}/runs/new`);
    await page.getByLabel("Kind").selectOption("sft");
    await page.getByLabel("Project").selectOption(project.id);
    const option = page.locator("#run-baseId option", { hasText: name });
    expect(await option.textContent()).toMatch(/imported, 3\.4M parameters/);
    await page.getByLabel("Starting checkpoint").selectOption(row.id);
    const estimate = page.getByRole("region", { name: "Estimate" });
    await expect.poll(() => estimate.getByTestId("estimate-memory").textContent()).toMatch(/^Peak memory about [\d.]+ (MB|GB) /);
    expect(await estimate.getByTestId("estimate-time").textContent()).toMatch(/3\.4M parameters, 8 × 512 tokens per step, 2 threads/);

    // gpt2 pretraining with a huge batch: refused on the form, nothing queued
    await page.getByLabel("Kind").selectOption("pretrain");
    await page.getByLabel("Model size").selectOption("gpt2");
    await page.getByLabel("Batch size").fill("512");
    await expect
      .poll(() => estimate.getByRole("alert").textContent())
      .toMatch(/^This run needs about [\d.]+ [GT]B of memory \(124\.4M parameters, 512 × 256 tokens per step, 2 threads\) but this machine has /);
    await page.getByRole("button", { name: "Queue run" }).click();
    await expect.poll(() => page.locator("form > [role=alert]").first().textContent()).toMatch(/^This run needs about/);
    expect(await db.trainingRun.count({ where: { projectId: project.id } })).toBe(0);
  });
});
