// Issue 15 against the built app (`next start`), over real HTTP and in Chromium: 50 MB chunked bodies
// are cut off with 413 without the server's memory growing, every page and API answer carries the
// security headers, a sign-in with a hostile next= stays in the app with no CSP violation, and a page
// on another port of the same host cannot post as the signed-in admin.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { browserAvailable, launchBrowser, signIn } from "../helpers/browser";
import { initGPT, PRESETS, saveCheckpoint } from "../../ml/index";
import { makeUser, uniq } from "../helpers/factories";

// The app and this file share one storage folder, so a checkpoint saved here is one the app serves.
process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "hardening-e2e-"));

const MB = 1024 * 1024;
let app: AppServer;
let serverPid = 0;

/** Resident memory of the next-server process, in MB. */
function rssMb(): number {
  const status = fs.readFileSync(`/proc/${serverPid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * POSTs up to `total` bytes chunked (no Content-Length), 64 KB at a time with backpressure, and
 * stops sending once the server answers. Returns the status and how much was sent.
 */
function chunkedPost(urlPath: string, contentType: string, total = 50 * MB): Promise<{ status: number; sent: number }> {
  const url = new URL(app.url + urlPath);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": contentType } });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode!, sent });
      });
    });
    req.on("error", (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

beforeAll(async () => {
  app = await startApp();
  // The app serves from the child this process spawned: scripts/web-server.ts, as npm start runs it.
  const children = execFileSync("pgrep", ["-P", String(process.pid)])
    .toString()
    .trim()
    .split("\n")
    .map(Number);
  serverPid = children.find((pid) => /web-server|next/.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")))!;
  expect(serverPid).toBeGreaterThan(0);
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

describe("bodies over HTTP", () => {
  it("50 MB chunked to the auth callback and to invite acceptance: 413, and the server's RSS does not grow", async () => {
    await (await fetch(`${app.url}/signin`)).text();
    const before = rssMb();
    const figures: Record<string, unknown> = { rssBeforeMb: Math.round(before) };
    for (const [p, type] of [
      ["/api/auth/callback/credentials", "application/x-www-form-urlencoded"],
      ["/api/invites/accept", "application/json"],
      ["/api/users", "application/json"], // signed out: 401 without reading
    ] as const) {
      const r = await chunkedPost(p, type);
      expect(r.status, p).toBe(p === "/api/users" ? 401 : 413);
      expect(r.sent, p).toBeLessThan(50 * MB); // cut off, not read to the end
      figures[p] = { status: r.status, sentMb: +(r.sent / MB).toFixed(1), rssMb: Math.round(rssMb()) };
    }
    const grew = rssMb() - before;
    console.log(JSON.stringify({ ...figures, rssGrowthMb: +grew.toFixed(1) }));
    expect(grew).toBeLessThan(24);
    expect((await fetch(`${app.url}/api/v1/openapi.json`)).status).toBe(200); // still answering
  }, 120_000);
});

describe("security headers", () => {
  it("pages: a CSP with a fresh nonce on Next's scripts, frame-ancestors 'none', nosniff, Referrer-Policy; HSTS only over https", async () => {
    const a = await fetch(`${app.url}/signin`);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, s).toContain(`nonce="${nonce}"`);
    const b = await fetch(`${app.url}/signin`);
    expect(b.headers.get("content-security-policy")).not.toBe(csp); // a new nonce per response
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("same-origin");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("strict-transport-security")).toBeNull();
    const https = await fetch(`${app.url}/signin`, { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("the API: a CSP that allows nothing, nosniff; HSTS behind an https proxy", async () => {
    const r = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("strict-transport-security")).toBeNull();
    const s = await fetch(`${app.url}/api/v1/openapi.json`, { headers: { "x-forwarded-proto": "https" } });
    expect(s.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });
});

describe.skipIf(!browserAvailable)("in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(process.env.STORAGE_DIR!, { recursive: true, force: true });
  });

  it("Models: the download of model.onnx answers 409 until Make model.onnx (a POST) has made it", async () => {
    const dir = path.join(process.env.STORAGE_DIR!, "ckpt", uniq("sft"));
    saveCheckpoint(dir, PRESETS.tiny, initGPT(PRESETS.tiny, 1), { tokenizer: "byte" });
    const name = uniq("sft");
    const sft = await db.modelArtifact.create({ data: { kind: "sft", name, path: dir } });
    const researcher = await makeUser("researcher");
    const page = await browser.newPage();
    await signIn(page, app.url, researcher.email, researcher.password);
    await page.waitForURL((u) => u.pathname !== "/signin");
    const fileUrl = `${app.url}/api/models/${sft.id}/files/model.onnx`;
    expect((await page.request.get(fileUrl)).status()).toBe(409);
    expect(fs.existsSync(path.join(dir, "model.onnx"))).toBe(false);
    await page.goto(`${app.url}/models`);
    const card = page.getByRole("article", { name: `SFT ${name}` });
    await card.getByRole("button", { name: "Make model.onnx" }).click();
    await card.getByRole("link", { name: "model.onnx" }).waitFor({ timeout: 90_000 });
    const res = await page.request.get(fileUrl);
    expect(res.status()).toBe(200);
    expect((await res.body()).length).toBe(fs.statSync(path.join(dir, "model.onnx")).size);
    await page.close();
  }, 150_000);

  it("signs in with next=/%5Cevil.example and lands in the app, with no CSP violation on the way", async () => {
    const admin = await makeUser("admin");
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    for (const next of ["/%5Cevil.example", "/%5C%5Cevil.example", "/%09/evil.example", "//evil.example", "https://evil.example/"]) {
      await page.context().clearCookies();
      await page.goto(`${app.url}/signin?next=${next}`);
      await page.getByLabel("Email").fill(admin.email);
      await page.getByLabel("Password").fill(admin.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname !== "/signin", { timeout: 30_000 });
      expect(new URL(page.url()).origin, next).toBe(app.url);
    }
    await page.goto(`${app.url}/models`);
    await page.getByRole("heading", { name: "Models" }).first().waitFor();
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);

  it("a page on another port of the same host cannot create a user with the admin's cookie", async () => {
    const admin = await makeUser("admin");
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.waitForURL(`${app.url}/admin`);
    const email = `${uniq("csrf")}@test.local`;
    const body = JSON.stringify({ email, name: "", role: "admin", password: "correct horse battery" });
    const attacker = http.createServer((_, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<script>
        fetch(${JSON.stringify(app.url + "/api/users")}, { method: "POST", mode: "no-cors", credentials: "include",
          headers: { "Content-Type": "text/plain" }, body: ${JSON.stringify(body)} }).finally(() => { document.title = "sent"; });
      </script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => document.title === "sent");
      await new Promise((r) => setTimeout(r, 500));
      expect(await db.user.count({ where: { email } })).toBe(0);
    } finally {
      attacker.close();
      await page.close();
    }
  }, 120_000);
});
