import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { importFile } from "../../lib/labeling/import";
import { makeProject, makeUser, uniq } from "../helpers/factories";

const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

describe("importing prompts", () => {
  it("creates prompts and their demonstration tasks, and skips duplicates on a second import", async () => {
    const { project } = await makeProject({ demonstrationsPerPrompt: 2 });
    const admin = await makeUser("admin");
    const tag = uniq();
    const file = lines([
      { prompt: `Say hi ${tag}` },
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: `Count ${tag}` },
        ],
        split: "validation",
        id: "x-2",
      },
      { prompt: `Say hi ${tag}` }, // duplicate inside the file
    ]);
    const first = await importFile(db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source: [file] });
    expect(first).toMatchObject({ records: 3, created: 2, duplicates: 1, tasks: 2 });
    const chat = await db.prompt.findFirst({ where: { projectId: project.id, externalId: "x-2" } });
    expect(chat).toMatchObject({ format: "chat", split: "validation" });
    const tasks = await db.task.findMany({ where: { projectId: project.id, kind: "demonstration" } });
    expect(tasks.map((t) => t.wanted)).toEqual([2, 2]);
    const again = await importFile(db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source: [file] });
    expect(again).toMatchObject({ records: 3, created: 0, duplicates: 3, tasks: 0 });
  });

  it("rejects the whole file at its first bad line, naming it, and writes nothing", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const file = lines([{ prompt: "one" }, { prompt: "two" }]) + "{not json}\n" + lines([{ prompt: "four" }]);
    await expect(importFile(db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source: [file] })).rejects.toThrow(/^Line 3: /);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("streams a file larger than one batch, across chunk boundaries", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const tag = uniq();
    const n = 1_234;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < n; i++) yield JSON.stringify({ prompt: `prompt ${i} ${tag}` }) + "\n";
      })(),
    );
    const r = await importFile(db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source });
    expect(r).toMatchObject({ records: n, created: n, duplicates: 0 });
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(n);
  });
});

describe("importing answer sets", () => {
  it("creates ranking tasks with the answers in file order, from CSV", async () => {
    const { project } = await makeProject({ rankingsPerTask: 3, k: 3 });
    const admin = await makeUser("researcher");
    const csv = 'prompt,response_1,response_2,response_3\n"Add 2+2","4","""four""","5, surely"\n';
    const r = await importFile(db, admin, { projectId: project.id, kind: "answers", format: "csv", source: [csv] });
    expect(r).toMatchObject({ records: 1, created: 1, tasks: 1 });
    const task = await db.task.findFirstOrThrow({
      where: { projectId: project.id, kind: "ranking" },
      include: { items: { orderBy: { position: "asc" }, include: { completion: true } } },
    });
    expect(task.wanted).toBe(3);
    expect(task.items.map((i) => i.completion.text)).toEqual(["4", '"four"', "5, surely"]);
    const again = await importFile(db, admin, { projectId: project.id, kind: "answers", format: "csv", source: [csv] });
    expect(again).toMatchObject({ created: 0, duplicates: 1 });
  });

  it("refuses an answer set with one answer, naming the line", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const file = lines([
      { prompt: "a", responses: ["x", "y", "z", "w"] },
      { prompt: "b", responses: ["only one"] },
    ]);
    await expect(importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [file] })).rejects.toThrow(/^Line 2: /);
    expect(await db.task.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("refuses an answer set whose size is not the project's K, naming the line, and writes nothing", async () => {
    const { project } = await makeProject({ k: 4 });
    const admin = await makeUser("admin");
    const file = lines([
      { prompt: "a", responses: ["1", "2", "3", "4"] },
      { prompt: "b", responses: ["x", "y"] },
    ]);
    await expect(importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [file] })).rejects.toThrow(
      "Line 2: the record has 2 answers but this project ranks 4 per task.",
    );
    expect(await db.task.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("imports a .json file holding one array of answer sets", async () => {
    const { project } = await makeProject({ k: 2 });
    const admin = await makeUser("admin");
    const file = JSON.stringify(
      [
        { prompt: "a", responses: ["x", "y"] },
        { prompt: "b", responses: ["z", "w"] },
      ],
      null,
      2,
    );
    const r = await importFile(db, admin, { projectId: project.id, kind: "answers", format: "json", source: [file] });
    expect(r).toMatchObject({ records: 2, created: 2, tasks: 2 });
  });
});

describe("an import from a slow client (hole #9)", () => {
  /** A source that sends one line, then stalls until `release()`, then sends the rest. */
  function stalledSource(first: string, rest: string) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let stalled!: () => void;
    const reachedStall = new Promise<void>((r) => (stalled = r));
    async function* source() {
      yield first;
      stalled();
      await released;
      yield rest;
    }
    return { source: source(), release, reachedStall };
  }

  /** `db` with its $transaction calls counted. */
  function countingDb() {
    const counter = { transactions: 0 };
    const wrapped = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === "$transaction") {
          return (...args: Parameters<typeof db.$transaction>) => {
            counter.transactions++;
            return (target.$transaction as (...a: unknown[]) => unknown)(...args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    return { db: wrapped as typeof db, counter };
  }

  it("opens no transaction while the client stalls, so another request's transaction completes meanwhile", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const tag = uniq();
    const { source, release, reachedStall } = stalledSource(lines([{ prompt: `first ${tag}` }]), lines([{ prompt: `second ${tag}` }]));
    const counting = countingDb();
    const importing = importFile(counting.db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source });
    await reachedStall;
    await new Promise((r) => setTimeout(r, 200)); // let the import go as far as it would
    expect(counting.counter.transactions).toBe(0);
    // Another request's transaction, while the upload is still stalled (the embedded database runs one
    // transaction at a time: before the fix this waited for the upload).
    const other = db.$transaction(async (tx) => tx.project.update({ where: { id: project.id }, data: { name: `renamed ${tag}` } }));
    const outcome = await Promise.race([other.then(() => "done"), new Promise((r) => setTimeout(() => r("still waiting after 20 s"), 20_000))]);
    expect(outcome).toBe("done");
    release();
    expect(await importing).toMatchObject({ records: 2, created: 2 });
    expect(counting.counter.transactions).toBe(1);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(2);
  });

  it("validates the whole file before opening the transaction: a bad last line opens none", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const counting = countingDb();
    const file = lines([{ prompt: "one" }, { prompt: "two" }]) + "{not json}\n";
    await expect(importFile(counting.db, admin, { projectId: project.id, kind: "prompts", format: "jsonl", source: [file] })).rejects.toThrow(/^Line 3: /);
    expect(counting.counter.transactions).toBe(0);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
  });
});
