// Simulated labelers for the fault tests (tests/faults, bench/faults.ts): HTTP clients that take
// tasks from the queue and submit rankings and demonstrations with idempotency keys, retrying a
// request the way a browser client does when the connection drops or the server answers 5xx (the
// same body, so the same key); and the check, against the database, that every submission a client
// saw acknowledged is stored exactly once, none twice, and no task holds more results than wanted.
import crypto from "node:crypto";
import http from "node:http";
import pg from "pg";
import { seedProjectMembers } from "../../lib/membership/members";

/** The labelers share one password; each also has an API token. */
export type Seeded = { projectId: string; password: string; tokens: { userId: string; email: string; token: string }[]; tasks: number };

const PASSWORD = "fault test password";

/**
 * A project with `answerSets` answer sets of 4 (each a ranking task wanting `rankingsPerTask`
 * rankings, and a demonstration task wanting one), and `labelers` labeler users with API tokens.
 * Imports lib/ lazily: DATABASE_URL must be set first.
 */
export async function seedLabeling(opts: { name: string; answerSets: number; rankingsPerTask: number; labelers: number }): Promise<Seeded> {
  const { db } = await import("../../lib/db");
  const { createUser } = await import("../../lib/users");
  const { createApiToken } = await import("../../lib/auth/api-tokens");
  const { importFile } = await import("../../lib/labeling/import");
  const tag = `${opts.name}-${crypto.randomBytes(4).toString("hex")}`;
  const admin = await createUser(db, null, { email: `admin-${tag}@faults.local`, name: "", role: "admin", password: PASSWORD });
  const project = await db.project.create({
    data: { slug: tag, name: tag, answersPerTask: 4, rankingsPerTask: opts.rankingsPerTask, demonstrationsPerPrompt: 1, leaseMinutes: 30 },
  });
  const file = Array.from({ length: opts.answerSets }, (_, i) =>
    JSON.stringify({ prompt: `fault prompt ${i} ${tag}`, responses: ["one", "two", "three", "four"].map((r) => `${r} ${i}`) }),
  ).join("\n");
  const imported = await importFile(
    db,
    { id: admin.id, email: admin.email, name: "", role: "admin" },
    { projectId: project.id, kind: "answers", format: "jsonl", source: [file] },
  );
  // Labelers share the admin's password hash: one scrypt instead of one per labeler (they sign in by token).
  const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: admin.id }, select: { passwordHash: true } });
  const users = await db.user.createManyAndReturn({
    data: Array.from({ length: opts.labelers }, (_, i) => ({ email: `labeler${i}-${tag}@faults.local`, role: "labeler" as const, passwordHash })),
    select: { id: true, email: true, name: true, role: true },
  });
  await db.$transaction((tx) => seedProjectMembers(tx, project.id, null, "everyone")); // the labelers work on this project
  const tokens = [];
  for (const u of users) tokens.push({ userId: u.id, email: u.email, token: (await createApiToken(db, u, { name: "faults", scopes: ["tasks.work"] })).token });
  return { projectId: project.id, password: PASSWORD, tokens, tasks: imported.tasks };
}

/**
 * Signs in as a browser does (next-auth's credentials callback with its CSRF token); returns the
 * session cookie, a JWT that every server sharing NEXTAUTH_SECRET accepts, across restarts too.
 */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = (r: Response) => r.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies(csrf).join("; "), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${base}/` }),
  });
  const session = cookies(res).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`signing in as ${email} failed: ${res.status} ${await res.text()}`);
  return session;
}

export type Ack = {
  kind: "ranking" | "demonstration";
  clientId: string;
  taskId: string;
  userId: string;
  id: string;
  /** Attempts it took, and when (Date.now()) the last one was sent. */
  tries: number;
  lastTryAt: number;
};

export type LabelerStats = {
  acks: Ack[];
  /** Submissions answered 4xx (with the code): the client was told it was not stored. */
  refused: Record<string, number>;
  /** Requests retried after a dropped connection or a 5xx. */
  retries: number;
  /** Of those, the ones answered 5xx (the rest: connection refused, reset or timed out). */
  serverErrors: number;
  /** Labelers working with a session cookie (signed in with their password) rather than a token. */
  sessions: number;
  /** Submissions given up after retrying for `giveUpMs` (never acknowledged). */
  abandoned: number;
  /** performance.now() of each 2xx answer, with when its request was first sent. */
  okAt: { sent: number; at: number }[];
};

type Answer = { status: number; json: Record<string, unknown> };

/**
 * Requests go to `bases[i % n]` for the i-th request of a labeler: clients alternate between
 * servers. `stats` fills in while they work; `done` resolves when every labeler has stopped.
 */
export function runLabelers(opts: {
  bases: string[];
  seeded: Seeded;
  /** Mean think time between requests (exponential), ms. */
  thinkMs: number;
  /** Labelers stop taking new tasks once this resolves (a submission in hand is still sent). */
  until: Promise<unknown>;
  /** Every n-th labeler signs in with its password and works with the session cookie, the others by API token (0: none). */
  sessionEvery?: number;
  giveUpMs?: number;
}): { stats: LabelerStats; done: Promise<LabelerStats> } {
  const stats: LabelerStats = { acks: [], refused: {}, retries: 0, serverErrors: 0, sessions: 0, abandoned: 0, okAt: [] };
  const giveUpMs = opts.giveUpMs ?? 120_000;
  let stopping = false;
  void opts.until.then(() => (stopping = true));
  // node:http on kept-alive sockets: cheap for the client, and a server kill drops live sockets as it would a browser's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const think = () => sleep(-Math.log(1 - Math.random()) * opts.thinkMs);

  /** A session cookie ("next-auth.session-token=...") or an API token. */
  function once(base: string, url: string, token: string, data: string): Promise<Answer> {
    const auth = token.startsWith("next-auth.")
      ? { cookie: token, origin: base } // a browser's fetch sends its page's origin with a POST
      : { authorization: `Bearer ${token}` };
    return new Promise((resolve, reject) => {
      const req = http.request(
        base + url,
        {
          method: "POST",
          agent,
          timeout: 60_000,
          headers: { ...auth, "content-type": "application/json", "content-length": Buffer.byteLength(data) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            let json: Record<string, unknown> = {};
            try {
              json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
              /* a proxy's or a dying server's page: treated by status */
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end(data);
    });
  }

  /** Sends until an answer that is not a dropped connection or a 5xx, or until giveUpMs; null when given up. */
  async function send(next: () => string, url: string, token: string, body: unknown): Promise<(Answer & { tries: number; lastTryAt: number }) | null> {
    const data = JSON.stringify(body);
    const sent = performance.now();
    for (let attempt = 0; ; attempt++) {
      const lastTryAt = Date.now();
      try {
        const a = await once(next(), url, token, data);
        if (a.status < 500) {
          if (a.status < 300) stats.okAt.push({ sent, at: performance.now() });
          return { ...a, tries: attempt + 1, lastTryAt };
        }
        stats.serverErrors++;
      } catch {
        /* connection refused or reset: the server is down or restarting */
      }
      if (performance.now() - sent > giveUpMs) return null;
      stats.retries++;
      await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }

  async function labeler(who: Seeded["tokens"][number], index: number) {
    let n = index; // alternate servers request by request, starting at different ones
    const next = () => opts.bases[n++ % opts.bases.length];
    await sleep(Math.random() * opts.thinkMs);
    let token = who.token;
    if (opts.sessionEvery && index % opts.sessionEvery === 0) {
      // Signing in is retried like any request: the server may be down or restarting.
      for (let attempt = 0; token === who.token; attempt++) {
        try {
          token = await signIn(opts.bases[attempt % opts.bases.length], who.email, opts.seeded.password);
        } catch (e) {
          if (attempt >= 30) throw e;
          stats.retries++;
          await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random()));
        }
      }
      stats.sessions++;
    }
    while (!stopping) {
      const got = await send(next, "/api/queue/next", token, { projectId: opts.seeded.projectId });
      if (!got) continue;
      if (got.status !== 200) throw new Error(`next task: ${got.status} ${JSON.stringify(got.json)}`);
      const task = got.json.task as { taskId: string; kind: "ranking" | "demonstration" } | null;
      if (!task) return;
      await think();
      const clientId = crypto.randomUUID();
      const [url, body] =
        task.kind === "ranking"
          ? [
              "/api/tasks/ranking",
              { clientId, taskId: task.taskId, tiers: Math.random() < 0.5 ? "A > B > C = D" : "D > C > B > A", answers: [], timeSpentMs: 1000 },
            ]
          : [
              "/api/tasks/demonstration",
              { clientId, taskId: task.taskId, text: `A demonstration from ${who.userId.slice(0, 8)}: clear and kind.`, timeSpentMs: 1000 },
            ];
      const a = await send(next, url, token, body);
      if (!a) {
        stats.abandoned++;
        continue;
      }
      if (a.status === 200) {
        const stored = (a.json.ranking ?? a.json.demonstration) as { id: string };
        stats.acks.push({ kind: task.kind, clientId, taskId: task.taskId, userId: who.userId, id: stored.id, tries: a.tries, lastTryAt: a.lastTryAt });
      } else {
        const code = String((a.json.error as { code?: string } | undefined)?.code ?? a.status);
        stats.refused[code] = (stats.refused[code] ?? 0) + 1;
      }
    }
  }

  const done = Promise.all(opts.seeded.tokens.map((t, i) => labeler(t, i))).then(() => {
    agent.destroy();
    return stats;
  });
  done.catch(() => {}); // seen by whoever awaits it, never an unhandled rejection meanwhile
  return { stats, done };
}

export type Verdict = {
  acknowledged: number;
  stored: number;
  /** Acknowledged submissions with no stored row, or whose row has another id than the one acknowledged. */
  lost: number;
  /** Rows beyond the first for one labeler on one task, and acknowledgements of two stored rows for one. */
  duplicated: number;
  /** Tasks holding more results than wanted (by rows or by their counter). */
  over_filled: number;
  /** Tasks whose done counter differs from their stored rows, and rankings without their C(4,2) comparisons. */
  inconsistent: number;
  /** Stored rows no client saw acknowledged (its last try was cut off and it gave up): not lost, reported. */
  stored_unacknowledged: number;
  /**
   * Acknowledgements of a retry whose submission an earlier, cut-off try had already stored (the
   * row is older than the last try): the idempotency key at work. Reported, not a failure.
   */
  acked_by_replay: number;
};

/** Checks the acknowledgements against what the database holds for the project. */
export async function verify(databaseUrl: string, projectId: string, acks: Ack[]): Promise<Verdict> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string; clientId: string; taskId: string; userId: string; createdAt: Date; pairs: number | null }>(
      `SELECT r.id, r."clientId", r."taskId", r."labelerId" AS "userId", r."createdAt",
              (SELECT count(*)::int FROM "Comparison" x WHERE x."rankingId" = r.id) AS pairs
         FROM "Ranking" r JOIN "Task" t ON t.id = r."taskId" WHERE t."projectId" = $1
       UNION ALL
       SELECT d.id, d."clientId", d."taskId", d."authorId", d."createdAt", NULL
         FROM "Demonstration" d JOIN "Task" t ON t.id = d."taskId" WHERE t."projectId" = $1`,
      [projectId],
    );
    const { rows: tasks } = await c.query<{ id: string; wanted: number; done: number; results: number }>(
      `SELECT t.id, t.wanted, t.done,
              (SELECT count(*)::int FROM "Ranking" r WHERE r."taskId" = t.id)
            + (SELECT count(*)::int FROM "Demonstration" d WHERE d."taskId" = t.id) AS results
         FROM "Task" t WHERE t."projectId" = $1`,
      [projectId],
    );
    const byClient = new Map(rows.map((r) => [r.clientId, r]));
    const ackedIds = new Set(acks.map((a) => a.clientId));
    let lost = 0;
    for (const a of acks) {
      const r = byClient.get(a.clientId);
      if (!r || r.id !== a.id || r.taskId !== a.taskId || r.userId !== a.userId) lost++;
    }
    const perLabelerTask = new Map<string, number>();
    for (const r of rows) perLabelerTask.set(`${r.taskId}/${r.userId}`, (perLabelerTask.get(`${r.taskId}/${r.userId}`) ?? 0) + 1);
    const ackPerLabelerTask = new Map<string, Set<string>>();
    for (const a of acks) {
      const k = `${a.taskId}/${a.userId}`;
      ackPerLabelerTask.set(k, (ackPerLabelerTask.get(k) ?? new Set()).add(a.id));
    }
    let duplicated = 0;
    for (const n of perLabelerTask.values()) duplicated += n - 1;
    for (const ids of ackPerLabelerTask.values()) duplicated += ids.size - 1;
    return {
      acknowledged: ackedIds.size,
      stored: rows.length,
      lost,
      duplicated,
      over_filled: tasks.filter((t) => t.results > t.wanted || t.done > t.wanted).length,
      inconsistent: tasks.filter((t) => t.done !== t.results).length + rows.filter((r) => r.pairs !== null && r.pairs !== 6).length,
      stored_unacknowledged: rows.filter((r) => !ackedIds.has(r.clientId)).length,
      acked_by_replay: acks.filter((a) => a.tries > 1 && (byClient.get(a.clientId)?.createdAt.getTime() ?? Infinity) < a.lastTryAt).length,
    };
  } finally {
    await c.end();
  }
}

/** Seconds from `faultAt` (performance.now()) to the first 2xx answer to a request sent after it. */
export function recoverySeconds(stats: LabelerStats, faultAt: number): number | null {
  let first = Infinity;
  for (const o of stats.okAt) if (o.sent >= faultAt && o.at < first) first = o.at;
  return first === Infinity ? null : Math.round((first - faultAt) / 100) / 10;
}
