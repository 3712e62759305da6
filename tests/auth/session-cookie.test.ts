// The session cookie read from a request's headers (lib/auth/session-cookie.ts), as pages, Next.js
// routes and the web server's direct routes read it: next-auth's own encoder makes the cookies here.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionClaims } from "../../lib/auth/session";
import { sessionCookie, sessionUserFromHeaders } from "../../lib/auth/session-cookie";
import { db } from "../../lib/db";
import { signOutEverywhere } from "../../lib/users";
import { makeUser } from "../helpers/factories";

const SECRET = "session-cookie-test-secret-0123456789";
const NAME = "next-auth.session-token";
let saved: string | undefined;
beforeAll(() => {
  saved = process.env.NEXTAUTH_SECRET;
  process.env.NEXTAUTH_SECRET = SECRET;
});
afterAll(() => {
  if (saved === undefined) delete process.env.NEXTAUTH_SECRET;
  else process.env.NEXTAUTH_SECRET = saved;
});

/** What a sign-in writes (lib/auth/options.ts jwt callback), encrypted as next-auth encrypts it. */
async function jwtFor(userId: string, opts: { secret?: string; maxAge?: number } = {}) {
  const token = { uid: userId, role: "labeler", ...(await sessionClaims(db, userId)) };
  return encode({ token, secret: opts.secret ?? SECRET, maxAge: opts.maxAge ?? 3600 });
}

describe("the session cookie", () => {
  it("joins a chunked cookie in order and ignores other cookies", () => {
    expect(sessionCookie(`a=1; ${NAME}.1=BB; ${NAME}.0=AA; ${NAME}x=zz; ${NAME}.2=C%3D`, NAME)).toBe("AABBC=");
    expect(sessionCookie(`${NAME}=whole; other=1`, NAME)).toBe("whole");
    expect(sessionCookie("other=1", NAME)).toBe("");
    expect(sessionCookie(`__Secure-${NAME}=s`, NAME)).toBe("");
  });

  it("names the user it was issued to, whole or chunked, from a Headers or a node header object", async () => {
    const u = await makeUser("labeler");
    const jwt = await jwtFor(u.id);
    expect(await sessionUserFromHeaders(new Headers({ cookie: `${NAME}=${jwt}` }))).toEqual({ id: u.id, email: u.email, name: u.name, role: "labeler" });
    const half = Math.floor(jwt.length / 2);
    expect(await sessionUserFromHeaders({ cookie: `${NAME}.1=${jwt.slice(half)}; ${NAME}.0=${jwt.slice(0, half)}` })).toMatchObject({ id: u.id });
  });

  it("reads the Secure cookie, and only it, on an HTTPS request", async () => {
    const u = await makeUser("labeler");
    const jwt = await jwtFor(u.id);
    const https = { "x-forwarded-proto": "https" };
    expect(await sessionUserFromHeaders({ ...https, cookie: `__Secure-${NAME}=${jwt}` })).toMatchObject({ id: u.id });
    expect(await sessionUserFromHeaders({ ...https, cookie: `${NAME}=${jwt}` })).toBeNull();
  });

  it("refuses a cookie sealed with another secret, expired, tampered with, or sent as a bearer token", async () => {
    const u = await makeUser("labeler");
    expect(await sessionUserFromHeaders({ cookie: `${NAME}=${await jwtFor(u.id, { secret: "another-secret-another-secret" })}` })).toBeNull();
    expect(await sessionUserFromHeaders({ cookie: `${NAME}=${await jwtFor(u.id, { maxAge: -60 })}` })).toBeNull();
    const jwt = await jwtFor(u.id);
    expect(await sessionUserFromHeaders({ cookie: `${NAME}=${jwt.slice(0, -4)}AAAA` })).toBeNull();
    expect(await sessionUserFromHeaders({ authorization: `Bearer ${jwt}` })).toBeNull();
  });

  it("ends with the user's sessions: signing out everywhere refuses a cookie issued before", async () => {
    const u = await makeUser("labeler");
    const jwt = await jwtFor(u.id);
    await signOutEverywhere(db, u);
    expect(await sessionUserFromHeaders({ cookie: `${NAME}=${jwt}` })).toBeNull();
  });
});
