// Open redirect after sign-in (issue 15, hole 8): /signin?next=/%5Cevil.example landed on
// http://evil.example/. Every way of naming another origin must come back as an in-app path.
import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../lib/auth/next-path";

const ORIGIN = "http://127.0.0.1:3000";
/** What `useSearchParams().get("next")` returns for the raw query value. */
const fromQuery = (raw: string) => new URLSearchParams(`next=${raw}`).get("next");

describe("safeNextPath", () => {
  const leaving = [
    "/%5Cevil.example", // "/\evil.example": the browser reads "\" as "/"
    "/%5C%5Cevil.example",
    "%5C%5Cevil.example",
    "/%09/evil.example", // a tab is stripped: "//evil.example"
    "%09//evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "//evil.example",
    "///evil.example",
    "//evil.example/runs",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "http://evil.example/",
    "https://evil.example/signin?next=/",
    "HTTP://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "http://127.0.0.1:8081/", // another port of the same host
    "https://127.0.0.1:3000/", // another scheme
    "javascript:alert(1)",
    "data:text/html,hi",
    "/a/..//evil.example",
    "/a/%2E%2E//evil.example",
    "%20//evil.example",
    "/ /evil.example",
  ];
  for (const raw of leaving) {
    it(`keeps ${raw} in the app`, () => {
      const next = fromQuery(raw);
      const out = safeNextPath(next, ORIGIN);
      expect(out.startsWith("/") && !out.startsWith("//") && !out.startsWith("/\\"), out).toBe(true);
      expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
    });
  }

  // These resolve to a path of this app ("/evil.example", "/%20//evil.example"), not to another host.
  const inApp = ["/a/..//evil.example", "/a/%2E%2E//evil.example", "/ /evil.example", "%20//evil.example", "http:evil.example"];
  it("sends every variant that names another origin to /", () => {
    for (const raw of leaving.filter((r) => !inApp.includes(r))) expect(safeNextPath(fromQuery(raw), ORIGIN), raw).toBe("/");
  });

  it("keeps in-app paths with their query and hash", () => {
    expect(safeNextPath("/runs/abc?tab=log#end", ORIGIN)).toBe("/runs/abc?tab=log#end");
    expect(safeNextPath(fromQuery(encodeURIComponent("/label?project=x&kind=ranking")), ORIGIN)).toBe("/label?project=x&kind=ranking");
    expect(safeNextPath("runs", ORIGIN)).toBe("/runs"); // relative: resolved against the origin
    expect(safeNextPath(`${ORIGIN}/models`, ORIGIN)).toBe("/models"); // the app's own absolute URL
  });

  it("sends nothing, an empty value and garbage to /", () => {
    expect(safeNextPath(null, ORIGIN)).toBe("/");
    expect(safeNextPath(undefined, ORIGIN)).toBe("/");
    expect(safeNextPath("", ORIGIN)).toBe("/");
    expect(safeNextPath("http://[::1", ORIGIN)).toBe("/");
  });
});
