// Route answers in JSON: small ones are marked Cache-Control: no-transform, so the web server's gzip
// leaves them alone (lib/http/json-answer.ts); larger ones are compressed as before.
import { describe, expect, it } from "vitest";
import { jsonAnswer, UNCOMPRESSED_MAX_CHARS } from "../../lib/http/json-answer";

describe("jsonAnswer", () => {
  it("marks a small answer no-transform and keeps its JSON", async () => {
    const res = jsonAnswer({ task: { taskId: "t1", prompt: "p".repeat(2000) } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("no-transform");
    expect(await res.json()).toEqual({ task: { taskId: "t1", prompt: "p".repeat(2000) } });
  });

  it("leaves a larger answer to be compressed", async () => {
    const big = { rows: "x".repeat(UNCOMPRESSED_MAX_CHARS) };
    const res = jsonAnswer(big);
    expect(res.headers.get("cache-control")).toBeNull();
    expect(await res.json()).toEqual(big);
  });
});
