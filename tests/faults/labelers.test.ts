// Labelers (a third signed in with a session cookie, the rest by API token) keep working while
// the web server is killed (SIGKILL) and started again: every submission a client saw
// acknowledged is in the database exactly once, none twice, and no task holds more results than
// it wants. A small version of bench/faults.ts's web_kill scenario.
import { describe, expect, it } from "vitest";
import { freePort } from "../../lib/db/embedded";
import { runLabelers, seedLabeling, verify } from "../helpers/labelers";
import { webServer } from "../helpers/web-server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("labelers while the web server is killed", { timeout: 240_000 }, () => {
  it("stores every acknowledged submission exactly once, with no task over-filled", async () => {
    const databaseUrl = process.env.DATABASE_URL!;
    const seeded = await seedLabeling({ name: "ci", answerSets: 40, rankingsPerTask: 2, labelers: 30 });
    const web = webServer(await freePort(), { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "10" });
    try {
      await web.start();
      let stop!: () => void;
      const { stats, done } = runLabelers({ bases: [web.url], seeded, thinkMs: 300, sessionEvery: 3, until: new Promise<void>((r) => (stop = r)) });
      await until("30 acknowledged submissions", () => stats.acks.length >= 30);
      await web.kill(); // requests in flight are cut, some after their transaction committed
      const before = stats.acks.length;
      await web.start();
      await until("30 more after the restart", () => stats.acks.length >= before + 30);
      stop();
      const s = await done;
      expect(s.retries).toBeGreaterThan(0); // the kill was felt
      expect(s.sessions).toBe(10); // a third work with a signed-in session cookie, which outlives the restart
      const v = await verify(databaseUrl, seeded.projectId, s.acks);
      expect(v).toMatchObject({ lost: 0, duplicated: 0, over_filled: 0, inconsistent: 0 });
      expect(v.acknowledged).toBe(s.acks.length);
      expect(v.stored).toBe(v.acknowledged + v.stored_unacknowledged);
      expect(s.refused).toEqual({});
    } finally {
      await web.stop();
    }
  });
});
