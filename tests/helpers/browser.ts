// Debian's Chromium driven by playwright-core. Outside CI a missing browser skips the browser
// tests with a printed reason; with CI=true it is a failure.
import fs from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserAvailable = fs.existsSync(CHROMIUM);

if (!browserAvailable) {
  if (process.env.CI === "true") throw new Error(`Chromium is missing at ${CHROMIUM}: browser tests cannot run in CI.`);
  console.warn(`[browser tests skipped] Chromium is missing at ${CHROMIUM}; install it with apt-get install -y chromium.`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Waits until `count()` reaches `want`: a label saved in the background (the page's outbox retries
 * with backoff, so a busy CI machine may need more than one try). On a timeout it fails with what
 * the page said (its save status, a "Not saved" alert) and the server's last log lines.
 */
export async function waitForSaved(page: Page, count: () => Promise<number>, want: number, serverLogs?: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let got = await count();
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    got = await count();
  }
  if (got === want) return;
  const said = async (testId: string) => (await page.getByTestId(testId).allTextContents()).join(" | ") || "(none)";
  throw new Error(
    `expected ${want} saved, found ${got} after ${timeoutMs} ms. save-status: ${await said("save-status")}; not-saved: ${await said("not-saved")}` +
      (serverLogs ? `\nserver log tail:\n${serverLogs().slice(-3000)}` : ""),
  );
}
