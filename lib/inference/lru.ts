// A small least-recently-used cache of loaded models: a value is created once per key (concurrent
// requests share the load), and the least recently used one is disposed when room is needed.
export class LruCache<V extends { dispose(): Promise<void> }> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    let p = this.entries.get(key);
    if (p) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, p);
      return p;
    }
    while (this.entries.size >= this.capacity) {
      const [oldest, value] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      void value.then((v) => v.dispose()).catch(() => undefined);
    }
    p = load();
    this.entries.set(key, p);
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key); // a failed load is not cached
    });
    return p;
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((p) => p.then((v) => v.dispose()).catch(() => undefined)));
  }
}
