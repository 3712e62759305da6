// Sessions over HTTP against the built app (no browser): a password change ends the other
// sessions at once, the changer stays signed in; the session cookie is Secure on HTTPS requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../helpers/app-server";
import { makeUser } from "../helpers/factories";

type Jar = Map<string, string>;
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
function keep(jar: Jar, res: Response) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}

/** Signs in through next-auth's credentials callback, as the sign-in form does. */
async function signIn(url: string, email: string, password: string, headers: Record<string, string> = {}) {
  const jar: Jar = new Map();
  const csrf = await fetch(`${url}/api/auth/csrf`, { headers });
  keep(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", origin: url, cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(jar, res);
  return { jar, setCookies: res.headers.getSetCookie() };
}

const api = (url: string, jar: Jar, path: string, init: RequestInit = {}, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    ...init,
    redirect: "manual",
    headers: { ...headers, cookie: cookieHeader(jar), origin: url, "content-type": "application/json", ...(init.headers as object) },
  });

// Each test signs in a few times (scrypt) against a server sharing two cores: generous timeouts.
describe("sessions over HTTP", { timeout: 180_000 }, () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("a password change signs the other session out (401, redirect) and keeps the changer's", async () => {
    const u = await makeUser("researcher");
    const a = (await signIn(app.url, u.email, u.password)).jar;
    const b = (await signIn(app.url, u.email, u.password)).jar;
    expect((await api(app.url, a, "/api/tokens")).status).toBe(200);
    expect((await api(app.url, b, "/api/tokens")).status).toBe(200);
    const oldA = new Map(a);

    const changed = await api(app.url, a, "/api/account/password", {
      method: "POST",
      body: JSON.stringify({ current: u.password, next: "a new password 123" }),
    });
    expect(changed.status).toBe(200);
    keep(a, changed);

    expect((await api(app.url, b, "/api/tokens")).status).toBe(401);
    const page = await api(app.url, b, "/account");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/signin/);
    expect((await api(app.url, oldA, "/api/tokens")).status).toBe(401);
    expect((await api(app.url, a, "/api/tokens")).status).toBe(200);
    expect((await api(app.url, a, "/account")).status).toBe(200);
  });

  it("sign out everywhere ends every session", async () => {
    const u = await makeUser();
    const a = (await signIn(app.url, u.email, u.password)).jar;
    const b = (await signIn(app.url, u.email, u.password)).jar;
    expect((await api(app.url, a, "/api/account/sign-out-everywhere", { method: "POST", body: "{}" })).status).toBe(200);
    expect((await api(app.url, a, "/api/tokens")).status).toBe(401);
    expect((await api(app.url, b, "/api/tokens")).status).toBe(401);
  });

  it("the session cookie is Secure on an HTTPS request (X-Forwarded-Proto from the TLS proxy), and read back", async () => {
    const u = await makeUser();
    const https = { "x-forwarded-proto": "https" };
    const secure = await signIn(app.url, u.email, u.password, https);
    const cookie = secure.setCookies.find((c) => c.startsWith("__Secure-next-auth.session-token="));
    expect(cookie).toMatch(/;\s*Secure/i);
    expect((await api(app.url, secure.jar, "/api/tokens", {}, https)).status).toBe(200);
    // Plain HTTP (NEXTAUTH_URL is http here): not Secure, so a browser on http keeps it.
    const plain = await signIn(app.url, u.email, u.password);
    const plainCookie = plain.setCookies.find((c) => c.startsWith("next-auth.session-token="));
    expect(plainCookie).toBeDefined();
    expect(plainCookie).not.toMatch(/;\s*Secure/i);
  });
});
