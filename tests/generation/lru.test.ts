// The inference server's model cache: one load per key even when asked at once, the least
// recently used model disposed when room is needed, a failed load not remembered.
import { describe, expect, it } from "vitest";
import { LruCache } from "../../lib/inference/lru";

class Model {
  disposed = false;
  constructor(readonly name: string) {}
  async dispose() {
    this.disposed = true;
  }
}

describe("LruCache", () => {
  it("loads once per key, evicts and disposes the least recently used", async () => {
    const cache = new LruCache<Model>(2);
    let loads = 0;
    const load = (name: string) => async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return new Model(name);
    };
    const [a1, a2] = await Promise.all([cache.get("a", load("a")), cache.get("a", load("a"))]);
    expect(a1).toBe(a2);
    expect(loads).toBe(1);
    const b = await cache.get("b", load("b"));
    await cache.get("a", load("a")); // a is now the most recent
    await cache.get("c", load("c")); // evicts b
    await new Promise((r) => setTimeout(r, 1));
    expect(b.disposed).toBe(true);
    expect(a1.disposed).toBe(false);
    expect(cache.keys()).toEqual(["a", "c"]);
    await expect(cache.get("d", async () => Promise.reject(new Error("no such folder")))).rejects.toThrow("no such folder");
    await new Promise((r) => setTimeout(r, 1));
    expect(cache.keys()).not.toContain("d");
    await cache.clear();
    expect(a1.disposed).toBe(true);
  });
});
