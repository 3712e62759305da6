// The whole RLHF loop from the browser, on the demo project: a labeler writes the demonstrations
// and ranks answers by keyboard; an admin pretrains a tiny base model, fine-tunes it on the
// demonstrations, promotes it as the project's answer generator, generates answers (which become
// ranking tasks the labeler ranks), trains a reward model on the rankings, runs PPO, promotes the
// PPO policy and generates again: the new tasks reach the labeler's queue. Every run is started
// from /runs/new and watched on its run page until it says "Succeeded".
// E2E_SCREENSHOTS=<folder> saves a 1280×800 light-mode screenshot of each step (docs/walkthrough).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdmin, seedDemo } from "../../lib/bootstrap";
import { db, sqlPool } from "../../lib/db";
import { DEMO_ANSWER_SETS, DEMO_DEMONSTRATION_PROMPTS, DEMO_PROJECT } from "../../lib/demo/data";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { addPrompt, addRankingTask } from "../../lib/labeling/tasks";
import { createUser } from "../../lib/users";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn, waitForSaved } from "../helpers/browser";
import { makeUser, TEST_PASSWORD, uniq } from "../helpers/factories";
import { seedProjectMembers } from "../../lib/membership/members";

const shots = process.env.E2E_SCREENSHOTS;
if (shots) fs.mkdirSync(shots, { recursive: true });
/** The visible 1280×800 viewport, as a person would see it. */
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`) });
};

/**
 * What the labeler writes for each demo prompt: the demo seeds a demonstration task for every
 * prompt, those with answer sets too (for those, the best of the set).
 */
const BEST_OF_SET = [1, 1, 0, 0, 1, 3];
const DEMONSTRATIONS: Record<string, string> = {
  ...Object.fromEntries(DEMO_ANSWER_SETS.map((s, i) => [s.prompt, s.responses[BEST_OF_SET[i]]])),
  [DEMO_DEMONSTRATION_PROMPTS[0]]: "Cursor blinks at two,\nthe bug hides in plain sight there:\na missing semicolon.",
  [DEMO_DEMONSTRATION_PROMPTS[1]]:
    "A list is mutable: you can add, remove and change its items. A tuple is immutable: once made it cannot change, so it can be a dictionary key.",
  [DEMO_DEMONSTRATION_PROMPTS[2]]:
    '1. Keep the subject line short and in the imperative ("Fix login redirect").\n2. Explain why in the body, not only what.\n3. Make one logical change per commit.',
  [DEMO_DEMONSTRATION_PROMPTS[3]]: "At sea level water boils at 100 °C, which is 212 °F.",
};

/**
 * The demo project exactly as `npm start` seeds it: on a database with no projects the real one,
 * otherwise a copy under a fresh slug.
 */
async function demoProject(): Promise<{ id: string; name: string; seeded: boolean }> {
  if (await seedDemo(db)) return { ...(await db.project.findUniqueOrThrow({ where: { slug: DEMO_PROJECT.slug } })), seeded: true };
  const project = await db.$transaction(
    async (tx) => {
      const slug = uniq("demo");
      const project = await tx.project.create({ data: { ...DEMO_PROJECT, slug, name: `${DEMO_PROJECT.name} (${slug})` } });
      await seedProjectMembers(tx, project.id, null, "everyone"); // as a new project takes everyone
      for (const text of DEMO_DEMONSTRATION_PROMPTS)
        await addPrompt(tx, project, { messages: [{ role: "user", content: text }], format: "text", source: "demo" });
      for (const set of DEMO_ANSWER_SETS) {
        const p = await addPrompt(tx, project, { messages: [{ role: "user", content: set.prompt }], format: "text", source: "demo" });
        await addRankingTask(
          tx,
          project,
          p.id,
          set.responses.map((text) => ({ text, source: "import" as const, sourceName: "demo" })),
        );
      }
      return project;
    },
    { timeout: 60_000 },
  );
  return { ...project, seeded: false };
}

/** The admin: on a database with no users, the first admin as `npm start` makes it (admin@localhost); else a new admin. */
async function adminUser() {
  const first = await ensureAdmin(db, { password: TEST_PASSWORD });
  return first.created ? { email: first.email, password: TEST_PASSWORD } : makeUser("admin");
}

/** On a fresh database, a labeler with a readable address for the screenshots. */
async function namedLabeler() {
  const user = await createUser(db, null, { email: "labeler@localhost", name: "Labeler", role: "labeler", password: TEST_PASSWORD });
  return { id: user.id, email: user.email, name: user.name, role: user.role, password: TEST_PASSWORD };
}

describe.skipIf(!browserAvailable)("the RLHF loop in a real browser", { timeout: 240_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  let admin: Page;
  let labelerPage: Page;
  let project: { id: string; name: string; seeded: boolean };
  let labeler: Awaited<ReturnType<typeof makeUser>>;
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), "loop-e2e-"));
  const t0 = Date.now();
  const artifacts: Record<string, string> = {};
  let runName = ""; // the checkpoints are named `${runName} base`, `... sft`, ...

  beforeAll(async () => {
    const adminLogin = await adminUser();
    project = await demoProject();
    runName = project.seeded ? "demo" : uniq("demo");
    labeler = project.seeded ? await namedLabeler() : await makeUser("labeler");
    // One worker, as `npm start` runs it, kept to this project's runs (other test files queue theirs).
    [app, browser] = await Promise.all([
      startApp({ STORAGE_DIR: storage, RUN_HEARTBEAT_MS: "500", WORKER_PROJECT_ID: project.id }, { worker: true }),
      launchBrowser(),
    ]);
    const context = () => browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    [admin, labelerPage] = await Promise.all([context().then((c) => c.newPage()), context().then((c) => c.newPage())]);
    await signIn(admin, app.url, adminLogin.email, adminLogin.password);
    await admin.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await signIn(labelerPage, app.url, labeler.email, labeler.password);
    await labelerPage.waitForURL(`${app.url}/label`);
  });
  afterAll(async () => {
    console.log(`[loop e2e] the whole loop took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await browser?.close();
    await app?.stop();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  /** Fills /runs/new for this project and queues the run; returns the run's id from its page's URL. */
  async function queueRun(
    kind: string,
    name: string,
    opts: { baseId?: string; rewardId?: string; config?: Record<string, string>; screenshot?: string },
  ): Promise<string> {
    await admin.goto(`${app.url}/runs/new`);
    await admin.getByLabel("Kind", { exact: true }).selectOption(kind);
    await admin.getByLabel("Project", { exact: true }).selectOption(project.id);
    await admin.getByLabel("Model size", { exact: true }).selectOption("tiny");
    if (opts.baseId) await admin.getByLabel("Starting checkpoint", { exact: true }).selectOption(opts.baseId);
    if (opts.rewardId) await admin.getByLabel("Reward model", { exact: true }).selectOption(opts.rewardId);
    await admin.getByLabel("Name (optional)").fill(name);
    for (const [field, value] of Object.entries(opts.config ?? {})) await admin.locator(`#run-cfg-${field}`).fill(value);
    if (opts.screenshot) {
      await admin.evaluate(() => window.scrollTo(0, 0));
      await shot(admin, opts.screenshot);
    }
    await admin.getByRole("button", { name: "Queue run" }).click();
    await admin.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    return admin.url().split("/").pop()!;
  }

  /** Watches the run page until the run has finished; it must say "Succeeded". */
  async function watch(runId: string, screenshot?: string) {
    const started = Date.now();
    const root = admin.locator(`[data-run-id="${runId}"]`);
    await expect
      .poll(async () => (await root.getAttribute("data-run-status")) ?? "", { timeout: 180_000, interval: 250 })
      .toMatch(/^(succeeded|failed|canceled)$/);
    const status = await root.getAttribute("data-run-status");
    const error = status === "failed" ? await admin.getByTestId("run-error").textContent() : "";
    expect(status, `run ${runId}: ${error}\n${app.logs().slice(-3000)}`).toBe("succeeded");
    expect(await root.locator("[data-status]").first().textContent()).toBe("Succeeded");
    expect(await admin.getByRole("progressbar", { name: "Run progress" }).getAttribute("aria-valuenow")).toBe("100");
    if (screenshot) {
      await admin
        .locator("canvas")
        .first()
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined);
      await admin.waitForTimeout(500); // the progress bar's width transition
      await shot(admin, screenshot);
    }
    const artifact = await db.modelArtifact.findFirst({ where: { runId }, select: { id: true } });
    console.log(`[loop e2e] run ${runId.slice(0, 8)} succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return artifact?.id;
  }

  /** Promotes a policy checkpoint as the project's answer generator on the registry page. */
  async function promote(label: string, artifactId: string, screenshot?: string) {
    await admin.goto(`${app.url}/models`);
    const card = admin.getByRole("article", { name: label, exact: true });
    await card.getByLabel("Answer generator for").selectOption(project.id);
    await card.getByRole("button", { name: /^Promote/ }).click();
    await expect.poll(() => db.project.findUniqueOrThrow({ where: { id: project.id } }).then((p) => p.generatorId)).toBe(artifactId);
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(`writes the answers of ${project.name}`); // after router.refresh(): seconds on a busy machine
    // Shown once: the badge on this checkpoint, and its control no longer offers that project.
    expect(await card.locator(`select option[value="${project.id}"]`).count()).toBe(0);
    if (screenshot) {
      await card.scrollIntoViewIfNeeded();
      await shot(admin, screenshot);
    }
  }

  /** Ranks the task on the labeler's board A > B > C > D with the keyboard alone; returns its id. */
  async function rankByKeyboard(screenshot?: string) {
    const before = await db.ranking.count({ where: { labelerId: labeler.id } });
    await labelerPage.getByTestId("answer-A").waitFor();
    await labelerPage.getByTestId("answer-A").focus();
    // focus stays on the answer just placed; ↓ moves to the next one on screen
    for (const key of ["1", "ArrowDown", "2", "ArrowDown", "3", "ArrowDown", "4"]) await labelerPage.keyboard.press(key);
    await expect.poll(() => labelerPage.getByTestId("ranking-notation").textContent()).toContain("A > B > C > D");
    if (screenshot) {
      await labelerPage.evaluate(() => window.scrollTo(0, 0));
      await shot(labelerPage, screenshot);
    }
    await labelerPage.keyboard.press("Control+Enter");
    await waitForSaved(labelerPage, () => db.ranking.count({ where: { labelerId: labeler.id } }), before + 1, app.logs);
    // The board has taken the next task (or found none) before anything else asks the queue.
    const settled = async () =>
      (await labelerPage.getByText("Nothing waiting").count()) > 0 ||
      (
        (await labelerPage
          .getByTestId("ranking-notation")
          .textContent({ timeout: 500 })
          .catch(() => "")) ?? ""
      ).includes("unranked");
    await expect.poll(settled, { timeout: 10_000 }).toBe(true);
    const r = await db.ranking.findFirstOrThrow({ where: { labelerId: labeler.id }, orderBy: { createdAt: "desc" } });
    expect(r.notation).toBe("A > B > C > D");
    return r.taskId;
  }

  /**
   * The rest of the labeler's ranking tasks, through the same lib functions POST /api/queue/next
   * and POST /api/tasks/ranking call (ranking each by keyboard in the browser adds only time).
   */
  async function rankTheRest() {
    let n = 0;
    for (let t; (t = await nextTask(sqlPool(), labeler, { projectId: project.id, kind: "ranking" })); n++)
      await submitRanking(sqlPool(), labeler, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 20_000 });
    return n;
  }

  /** The task the queue has leased to the labeler (the one on their page), and its prompt's text. */
  async function heldTask() {
    const find = () =>
      db.assignment.findFirst({
        where: { userId: labeler.id, status: "active" },
        // the oldest: the page leases the next task ahead (prefetch) while this one is on screen
        orderBy: { createdAt: "asc" },
        select: { taskId: true, task: { select: { prompt: { select: { messages: true } } } } },
      });
    await expect.poll(find, { timeout: 10_000 }).toBeTruthy();
    const held = (await find())!;
    return { taskId: held.taskId, promptText: (held.task.prompt.messages as { content: string }[])[0].content };
  }

  /** Ranking tasks whose answers the checkpoint wrote. */
  const tasksBy = (artifactId: string) =>
    db.task.findMany({ where: { projectId: project.id, kind: "ranking", items: { some: { completion: { artifactId } } } }, select: { id: true } });

  it("a labeler writes the demonstrations and ranks the demo answers by keyboard", async () => {
    await labelerPage.goto(`${app.url}/label/work?project=${project.id}&kind=demonstration`);
    const wanted = await db.task.count({ where: { projectId: project.id, kind: "demonstration" } });
    expect(wanted).toBe(DEMO_DEMONSTRATION_PROMPTS.length + DEMO_ANSWER_SETS.length);
    const plain = (t: string) => t.replace(/[`*_]/g, "").replace(/\s+/g, " ");
    for (let i = 0; i < wanted; i++) {
      // The task the queue just leased to the labeler, and its prompt on the page (not the last one's).
      const { promptText } = await heldTask();
      const text = DEMONSTRATIONS[promptText];
      expect(text, promptText).toBeDefined();
      await expect
        .poll(async () =>
          plain(
            (await labelerPage
              .getByRole("region", { name: "Prompt" })
              .textContent()
              .catch(() => "")) ?? "",
          ),
        )
        .toContain(plain(promptText));
      const editor = labelerPage.getByLabel("Your demonstration (markdown)");
      await editor.fill(text);
      if (i === 0) await shot(labelerPage, "01-demonstration");
      await editor.press("Control+Enter");
      await waitForSaved(labelerPage, () => db.demonstration.count({ where: { authorId: labeler.id } }), i + 1, app.logs);
    }
    await expect.poll(() => labelerPage.getByText("Nothing waiting").count()).toBe(1);

    await labelerPage.goto(`${app.url}/label/work?project=${project.id}&kind=ranking`);
    await rankByKeyboard();
    expect(await rankTheRest()).toBe(DEMO_ANSWER_SETS.length - 1);
  });

  it("pretrains a tiny base model from the new-run form and watches it to the end", async () => {
    await admin.goto(`${app.url}/runs`);
    await admin.getByRole("link", { name: "New run" }).click();
    await admin.waitForURL(`${app.url}/runs/new`);
    const id = await queueRun("pretrain", `${runName} base`, { config: { steps: "150", evalEvery: "25", saveEvery: "0" }, screenshot: "02-new-run" });
    artifacts.base = (await watch(id, "03-pretrain-run"))!;
    expect(artifacts.base).toBeDefined();
  });

  it("fine-tunes it on the project's demonstrations and promotes the SFT model as the answer generator", async () => {
    const id = await queueRun("sft", `${runName} sft`, { baseId: artifacts.base, config: { steps: "60", evalEvery: "20", saveEvery: "0" } });
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, select: { exportId: true, baseId: true } });
    expect(run.baseId).toBe(artifacts.base);
    // "The project's labels now" made a snapshot of the labeler's demonstrations.
    expect(await db.export.findUniqueOrThrow({ where: { id: run.exportId! } }).then((e) => [e.kind, e.rowCount])).toEqual([
      "sft",
      DEMO_DEMONSTRATION_PROMPTS.length + DEMO_ANSWER_SETS.length,
    ]);
    artifacts.sft = (await watch(id))!;
    // the run page shows what the model answered to its held-out prompts at each evaluation (steps 20, 40, 60)
    const samples = admin.locator("section[aria-labelledby=run-samples]");
    const stepPicker = samples.getByLabel("Samples at step");
    await expect.poll(() => stepPicker.locator("option").allTextContents(), { timeout: 15_000 }).toEqual(["20", "40", "60 (latest)"]);
    expect(await samples.getByRole("list", { name: "Answers at step 60" }).locator("[data-sample-index]").count()).toBeGreaterThan(0);
    await stepPicker.selectOption("20");
    await expect
      .poll(() => samples.getByRole("list", { name: "Answers at step 20" }).locator("[data-sample-output]").count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await promote(`SFT ${runName} sft`, artifacts.sft, "04-promote");
  });

  it("generates answers with the promoted SFT model; the labeler ranks one by keyboard", async () => {
    const id = await queueRun("generate", `${runName} answers (sft)`, { config: { maxPrompts: "2", maxNewTokens: "24" } });
    await watch(id);
    // The two oldest prompts without a ranking task: two of the demonstration prompts.
    expect(await tasksBy(artifacts.sft)).toHaveLength(2);

    await labelerPage.goto(`${app.url}/label/work?project=${project.id}&kind=ranking`);
    const taskId = await rankByKeyboard("05-rank-generated");
    expect((await tasksBy(artifacts.sft)).map((t) => t.id)).toContain(taskId);
    expect(await rankTheRest()).toBe(1);
  });

  it("trains a reward model on the project's rankings", async () => {
    const id = await queueRun("reward_model", `${runName} reward model`, { baseId: artifacts.sft, config: { epochs: "4", batchSize: "2" } });
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, select: { exportId: true } });
    // 6 demo answer sets and 2 generated ones, ranked once each.
    expect((await db.export.findUniqueOrThrow({ where: { id: run.exportId! } })).rowCount).toBe(DEMO_ANSWER_SETS.length + 2);
    artifacts.rm = (await watch(id, "06-reward-model-run"))!;
  });

  it("runs PPO against the reward model, promotes the PPO policy and generates again", async () => {
    const id = await queueRun("ppo", `${runName} ppo`, {
      baseId: artifacts.sft,
      rewardId: artifacts.rm,
      config: { iterations: "4", rolloutBatch: "4", miniBatch: "2", ppoEpochs: "2", maxNewTokens: "16" },
    });
    artifacts.ppo = (await watch(id, "07-ppo-run"))!;
    await promote(`PPO ${runName} ppo`, artifacts.ppo);
    const gen = await queueRun("generate", `${runName} answers (ppo)`, { config: { maxPrompts: "2", maxNewTokens: "24" } });
    await watch(gen);
    expect(await tasksBy(artifacts.ppo)).toHaveLength(2);
  });

  it("the new ranking tasks reach the labeler's queue", async () => {
    await labelerPage.goto(`${app.url}/label`);
    const link = labelerPage.locator(`a[href="/label/work?project=${project.id}&kind=ranking"]`);
    expect(await link.textContent()).toBe("Rank answers");
    // "Waiting for you": this project's card counts the two new tasks (the labeler ranked all the others).
    const card = labelerPage.locator("section[aria-labelledby=waiting] > div > div").filter({ has: link });
    expect((await card.locator(".text-2xl").textContent())?.trim()).toBe("2");
    await shot(labelerPage, "08-queue");
    await link.click();
    await labelerPage.getByTestId("answer-A").waitFor();
    // The task on the board is one the PPO policy answered (its own round: the oldest two prompts again).
    const { taskId, promptText } = await heldTask();
    expect((await tasksBy(artifacts.ppo)).map((t) => t.id)).toContain(taskId);
    expect(DEMO_DEMONSTRATION_PROMPTS).toContain(promptText);
    expect(await labelerPage.getByRole("region", { name: "Prompt" }).textContent()).toContain(promptText);
  });
});
