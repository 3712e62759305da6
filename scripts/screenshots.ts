// npm run screenshots — remakes the README's screenshots from the running app.
//
// With no arguments it starts the app as `npm start` does, on a fresh embedded database in a
// temporary folder (demo data seeded, one training worker), and stops it afterwards. With
// `-- --url URL --email ADMIN_EMAIL --password ADMIN_PASSWORD` it uses an app already running there.
// Through the app's own API (signed in as the admin) it adds a labeler, a reviewer and a researcher,
// a pairwise (K = 2) project, a tiny pretraining run and an export; then, signed in as each role in
// Chromium, it labels for real (demonstrations, rankings by keyboard) and saves each key page at
// 1280×800, light and dark, into docs/screenshots/ (`--out` to choose): PNG, or JPEG when a PNG would
// pass 300 KB. It also writes docs/screenshots/README.md, the gallery the README links to.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Browser, Page } from "playwright-core";
import { z } from "zod";
import { freePort } from "../lib/db/embedded";
import { DEMO_ANSWER_SETS, DEMO_DEMONSTRATION_PROMPTS, DEMO_PROJECT } from "../lib/demo/data";
import { launchBrowser, signIn } from "../tests/helpers/browser";

const root = path.resolve(import.meta.dirname, "..");
const WIDTH = 1280;
const HEIGHT = 800;
const MAX_BYTES = 300 * 1024;

const args = z
  .object({
    url: z.url({ message: "--url must be the app's address, e.g. http://127.0.0.1:3000" }).optional(),
    email: z.string().optional(),
    password: z.string().optional(),
    out: z.string().default("docs/screenshots"),
  })
  .refine((a) => !a.url || (a.email && a.password), { message: "--url needs the admin's --email and --password" })
  .safeParse(parseArgs({ options: { url: { type: "string" }, email: { type: "string" }, password: { type: "string" }, out: { type: "string" } } }).values);
if (!args.success) {
  console.error(`screenshots: ${args.error.issues[0].message}`);
  process.exit(2);
}
const opts = args.data;
const out = path.resolve(root, opts.out);
const say = (msg: string) => console.log(`[screenshots] ${msg}`);

// ---------------------------------------------------------------------------------------------
// The app: a fresh one (npm start on a temporary data folder), or the one at --url.

type App = { url: string; email: string; password: string; fresh: boolean; stop: () => Promise<void> };

async function startFresh(): Promise<App> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-screenshots-"));
  const [port, inferencePort] = [await freePort(), await freePort()];
  const password = crypto.randomBytes(12).toString("base64url");
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", INFERENCE_PORT: String(inferencePort) };
  delete env.ADMIN_EMAIL; // the default, admin@localhost
  env.ADMIN_PASSWORD = password;
  env.WORKERS = "1";
  delete env.DATABASE_URL; // the embedded database, as a first `npm start`
  delete env.NEXTAUTH_SECRET;
  delete env.NEXTAUTH_URL;
  const child: ChildProcess = spawn(process.execPath, ["--conditions=react-server", "scripts/run.mjs", "scripts/start.ts"], {
    // as npm start runs it
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      log += d;
      const m = /\[rlhf-studio\] ready in [\d.]+ s at (\S+)/.exec(log);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${log.slice(-4000)}`)));
  });
  say(`started the app on a fresh embedded database at ${url}`);
  return {
    url,
    email: "admin@localhost",
    password,
    fresh: true,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The app's API, called from a signed-in page (its session cookie, its origin).

async function api<T>(page: Page, method: string, url: string, body?: unknown, contentType = "application/json"): Promise<T> {
  const r = await page.evaluate(
    async ({ method, url, body, contentType }) => {
      const res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": contentType },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    { method, url, body, contentType },
  );
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text.slice(0, 500)}`);
  return JSON.parse(r.text) as T;
}

async function signedIn(browser: Browser, base: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, colorScheme: "light" });
  const page = await context.newPage();
  await signIn(page, base, email, password);
  await page.waitForURL((u) => !u.pathname.startsWith("/signin"), { timeout: 60_000 });
  return page;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// ---------------------------------------------------------------------------------------------
// Screenshots: each page light and dark, the same state (the theme is a class on <html>).

type Shot = { name: string; caption: string; role: string; files: string[] };
const shots: Shot[] = [];

async function shoot(page: Page, name: string, caption: string, role: string) {
  const files: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate((dark) => document.documentElement.classList.toggle("dark", dark), scheme === "dark");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300); // charts redraw in the theme's colours
    const base = path.join(out, `${name}-${scheme}`);
    for (const ext of [".png", ".jpg"]) fs.rmSync(base + ext, { force: true });
    let file = `${base}.png`;
    const png = await page.screenshot({ type: "png" });
    if (png.length <= MAX_BYTES) fs.writeFileSync(file, png);
    else {
      file = `${base}.jpg`;
      fs.writeFileSync(file, await page.screenshot({ type: "jpeg", quality: 80 }));
    }
    files.push(path.basename(file));
    say(`${path.relative(root, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
  shots.push({ name, caption, role, files });
}

function writeGallery() {
  const rows = shots.map((s) => `| ${s.caption} (${s.role}) | ![${s.caption}, light](${s.files[0]}) | ![${s.caption}, dark](${s.files[1]}) |`);
  const text = [
    "# Screenshots",
    "",
    `Made by \`npm run screenshots\` (scripts/screenshots.ts) from the running app at ${WIDTH} px wide: a fresh embedded database`,
    "with the demo project, signed in as each role. Run it again after changing a page.",
    "",
    "| page | light | dark |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(out, "README.md"), text);
}

// ---------------------------------------------------------------------------------------------
// What the labeler writes for each demo prompt (the answer-set prompts take their best answer).

const DEMONSTRATIONS: Record<string, string> = {
  ...Object.fromEntries(DEMO_ANSWER_SETS.map((s) => [s.prompt, s.responses.reduce((a, b) => (b.length > a.length ? b : a))])),
  [DEMO_DEMONSTRATION_PROMPTS[0]]: "Cursor blinks at two,\nthe bug hides in plain sight there:\na missing semicolon.",
  [DEMO_DEMONSTRATION_PROMPTS[1]]:
    "A **list** is mutable: you can add, remove and change its items (`[1, 2, 3]`). A **tuple** is immutable once made (`(1, 2, 3)`), so it can be a dictionary key and signals data that should not change.",
  [DEMO_DEMONSTRATION_PROMPTS[2]]:
    '1. **Say what and why** in the first line, in under 50 characters.\n2. **Use the imperative mood**: "Fix login timeout", not "Fixed".\n3. **Explain the reason** in the body when it is not obvious from the diff.',
  [DEMO_DEMONSTRATION_PROMPTS[3]]: "At sea level water boils at **100 °C**, which is **212 °F**.",
};

type Project = { id: string; slug: string; name: string };

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const app: App = opts.url
    ? { url: opts.url.replace(/\/$/, ""), email: opts.email!, password: opts.password!, fresh: false, stop: async () => {} }
    : await startFresh();
  const browser = await launchBrowser();
  try {
    const base = app.url;
    const admin = await signedIn(browser, base, app.email, app.password);

    // Projects: the demo (made from the same data when the app has none), and a pairwise one (K = 2).
    const { projects } = await api<{ projects: Project[] }>(admin, "GET", "/api/projects");
    let demo = projects.find((p) => p.slug === DEMO_PROJECT.slug);
    if (!demo) {
      demo = (await api<{ project: Project }>(admin, "POST", "/api/projects", DEMO_PROJECT)).project;
      const sets = DEMO_ANSWER_SETS.map((s) => JSON.stringify({ prompt: s.prompt, responses: s.responses })).join("\n");
      await api(admin, "POST", `/api/projects/${demo.id}/imports?kind=answers&format=jsonl`, sets, "application/x-ndjson");
      const prompts = DEMO_DEMONSTRATION_PROMPTS.map((p) => JSON.stringify({ prompt: p })).join("\n");
      await api(admin, "POST", `/api/projects/${demo.id}/imports?kind=prompts&format=jsonl`, prompts, "application/x-ndjson");
    }
    const pair = (
      await api<{ project: Project }>(admin, "POST", "/api/projects", {
        name: "Pairwise: which answer is better?",
        description: "Two answers side by side, one choice on Llama 2's scale.",
        guidelines: DEMO_PROJECT.guidelines,
        answersPerTask: 2,
        rankingsPerTask: 1,
        demonstrationsPerPrompt: 0,
      })
    ).project;
    const pairs = DEMO_ANSWER_SETS.slice(0, 3)
      .map((s) => JSON.stringify({ prompt: s.prompt, responses: [s.responses[1], s.responses[2]] }))
      .join("\n");
    await api(admin, "POST", `/api/projects/${pair.id}/imports?kind=answers&format=jsonl`, pairs, "application/x-ndjson");

    // One person per role (they join every project); readable addresses on a fresh database.
    const tag = app.fresh ? "" : `-${crypto.randomBytes(3).toString("hex")}`;
    const password = crypto.randomBytes(12).toString("base64url");
    const people: Record<"labeler" | "reviewer" | "researcher", string> = { labeler: "", reviewer: "", researcher: "" };
    for (const role of Object.keys(people) as (keyof typeof people)[]) {
      people[role] = `${role}${tag}@example.com`;
      await api(admin, "POST", "/api/users", { email: people[role], name: role[0].toUpperCase() + role.slice(1), role, password });
    }

    // A tiny pretraining run, trained by the app's worker while the labelers work.
    const researcher = await signedIn(browser, base, people.researcher, password);
    const { run } = await api<{ run: { id: string } }>(researcher, "POST", "/api/runs", {
      kind: "pretrain",
      name: "Tiny base model",
      projectId: demo.id,
      modelSize: "tiny",
      config: { steps: 150, evalEvery: 25, saveEvery: 0 },
    });
    say(`queued pretraining run ${run.id}`);

    // The labeler: a demonstration, rankings by keyboard, a pairwise choice.
    const labeler = await signedIn(browser, base, people.labeler, password);
    await labeler.goto(`${base}/label/work?project=${demo.id}&kind=demonstration`);
    const editor = labeler.getByLabel("Your demonstration (markdown)");
    await editor.waitFor();
    const promptText = ((await labeler.getByRole("region", { name: "Prompt" }).textContent()) ?? "").trim();
    const text = Object.entries(DEMONSTRATIONS).find(([p]) => promptText.includes(p.replace(/`/g, "")))?.[1] ?? DEMONSTRATIONS[DEMO_DEMONSTRATION_PROMPTS[2]];
    await editor.fill(text);
    await shoot(labeler, "demonstration-editor", "Writing a demonstration", "labeler");
    await editor.press("Control+Enter");

    await labeler.goto(`${base}/label/work?project=${demo.id}&kind=ranking`);
    for (let i = 0; ; i++) {
      const card = labeler.getByTestId("answer-A");
      const nothing = labeler.getByText("Nothing waiting");
      await card.or(nothing).first().waitFor();
      if (await nothing.count()) break;
      await card.focus();
      for (const key of ["1", "ArrowDown", "2", "ArrowDown", "3", "ArrowDown", "3"]) await labeler.keyboard.press(key);
      await labeler.getByText("A > B > C = D", { exact: true }).waitFor();
      if (i === 0) await shoot(labeler, "ranking-board", "Ranking four answers into tiers by keyboard", "labeler");
      const before = await labeler.locator("[data-assignment-id]").getAttribute("data-assignment-id");
      await labeler.keyboard.press("Control+Enter");
      await waitFor(
        "the next task",
        async () =>
          (await labeler
            .locator("[data-assignment-id]")
            .getAttribute("data-assignment-id", { timeout: 1000 })
            .catch(() => null)) !== before || (await nothing.count()) > 0
            ? true
            : undefined,
        30_000,
      );
    }
    await labeler.goto(`${base}/label/work?project=${pair.id}&kind=ranking`);
    await labeler.getByTestId("pair-A").waitFor();
    await labeler.keyboard.press("7");
    await labeler.getByText("B is slightly better", { exact: true }).waitFor();
    await shoot(labeler, "pairwise", "Comparing two answers side by side, with a strength", "labeler");
    await labeler.goto(`${base}/label`);
    await labeler.getByRole("heading").first().waitFor();
    await shoot(labeler, "label-home", "The labeler's home: queue and recent work", "labeler");

    // The reviewer ranks the same tasks (each wants 2 rankings): agreement figures to show.
    const reviewer = await signedIn(browser, base, people.reviewer, password);
    const orders = ["A > B > D > C", "B > A > C = D", "A > B > C > D", "B > A > D > C", "A > C > B > D", "A > B = C > D"];
    for (let i = 0; ; i++) {
      const { task } = await api<{ task: { taskId: string } | null }>(reviewer, "POST", "/api/queue/next", { projectId: demo.id, kind: "ranking" });
      if (!task) break;
      await api(reviewer, "POST", "/api/tasks/ranking", {
        clientId: crypto.randomUUID(),
        taskId: task.taskId,
        tiers: orders[i % orders.length],
        answers: [],
        timeSpentMs: 25_000,
      });
    }
    await reviewer.goto(`${base}/review`);
    await reviewer.getByRole("heading").first().waitFor();
    await shoot(reviewer, "review", "The review queue", "reviewer");

    // The researcher: the new-run form, the finished run's charts, quality, an export, the models.
    await researcher.goto(`${base}/runs/new`);
    await researcher.getByRole("heading").first().waitFor();
    await shoot(researcher, "new-run", "The new-run form", "researcher");
    const done = await waitFor(
      "the pretraining run to finish",
      async () => {
        const r = (await api<{ run: { status: string; error?: string | null } }>(researcher, "GET", `/api/runs/${run.id}`)).run;
        return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
      },
      15 * 60_000,
    );
    if (done.status !== "succeeded") throw new Error(`the pretraining run ${done.status}: ${done.error ?? ""}`);
    await researcher.goto(`${base}/runs/${run.id}`);
    await researcher.getByText("Succeeded").first().waitFor();
    await researcher.locator("canvas").first().waitFor();
    await shoot(researcher, "run-charts", "A finished pretraining run and its charts", "researcher");
    await researcher.goto(`${base}/admin/quality?project=${demo.id}`);
    await researcher.getByRole("heading").first().waitFor();
    await shoot(researcher, "quality", "Label quality: agreement between labelers", "researcher");
    await api(researcher, "POST", "/api/exports", { kind: "rm", projectId: demo.id, license: "cc-by-4.0", includeTies: true });
    await researcher.goto(`${base}/admin/exports`);
    await researcher.getByRole("heading").first().waitFor();
    await shoot(researcher, "exports", "Dataset exports", "researcher");
    await researcher.goto(`${base}/models`);
    await researcher.getByRole("heading").first().waitFor();
    await shoot(researcher, "models", "The model registry", "researcher");

    await admin.goto(`${base}/admin/users`);
    await admin.getByRole("heading").first().waitFor();
    await shoot(admin, "users", "People and roles", "admin");
    writeGallery();
    say(`${shots.length * 2} screenshots in ${path.relative(root, out)}/`);
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`[screenshots] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
