// The Hub's request layer, with @huggingface/hub: create the repository (an existing one is kept),
// ask /preupload which files go by LFS, hash them (SHA-256) and send those through the LFS batch
// API, then POST the commit as NDJSON. It hashes and uploads hundreds of MB for a checkpoint, so it
// runs in a child process of its own (./push-child.ts), never on the web server's event loop; it
// reports its progress as it goes. An error is one sentence that never holds the token.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { commitIter, createRepo, HubApiError, type CommitOutput } from "@huggingface/hub";
import { AppError } from "../errors";

export type HubRepoType = "dataset" | "model";
export type HubFile = { path: string; file: string };
export type HubPushResult = { repo: string; type: HubRepoType; url: string; commit: { oid: string; url: string }; files: string[] };

/** Where a push stands: the Hub's phase, and of all the files' bytes how many are hashed and uploaded. */
export type HubPushProgress = {
  phase: "starting" | "preuploading" | "uploadingLargeFiles" | "committing";
  bytes: number;
  hashed: number;
  uploaded: number;
};

/** Progress at most this often (a file's hash reports every 64 kB read). */
const PROGRESS_EVERY_MS = 250;

/** Replaces the token (and its Bearer form) wherever it appears. */
const redact = (text: string, token: string) => text.split(token).join("[redacted]");

/**
 * Creates `repo` of `type` when it does not exist (private unless told), then commits `files` to
 * its main branch. `hubUrl` and `fetch` are where requests go (tests: a local server).
 */
export async function pushFolder(o: {
  repo: string;
  type: HubRepoType;
  files: HubFile[];
  token: string;
  title: string;
  hubUrl: string;
  private?: boolean;
  fetch?: typeof fetch;
  onProgress?: (p: HubPushProgress) => void;
}): Promise<HubPushResult> {
  const hubUrl = o.hubUrl.replace(/\/+$/, "");
  const repo = { type: o.type, name: o.repo } as const;
  const what = `the ${o.type} repository ${o.repo}`;
  const sizes = new Map(o.files.map((f) => [f.path, fs.statSync(f.file).size]));
  const progress = new Progress(sizes, o.onProgress);
  try {
    try {
      await createRepo({ repo, accessToken: o.token, hubUrl, fetch: o.fetch, visibility: o.private === false ? "public" : "private" });
    } catch (e) {
      if (!(e instanceof HubApiError && e.statusCode === 409)) throw e; // 409: it exists already, and keeps its visibility
    }
    const steps = commitIter({
      repo,
      accessToken: o.token,
      hubUrl,
      fetch: o.fetch,
      useXet: false, // the LFS batch API: the documented, plain-HTTP way (Xet needs its own storage protocol)
      title: o.title,
      operations: o.files.map((f) => ({ operation: "addOrUpdate" as const, path: f.path, content: pathToFileURL(f.file) })),
    });
    const failed: string[] = [];
    let step = await steps.next();
    while (!step.done) {
      const ev = step.value;
      if (ev.event === "phase") progress.phase(ev.phase);
      else if (ev.state === "error") failed.push(ev.path);
      else progress.file(ev.path, ev.state, ev.progress);
      step = await steps.next();
    }
    if (failed.length) throw new AppError("unavailable", `The Hub did not take ${failed.slice(0, 5).join(", ")} while pushing to ${what}.`);
    const out: CommitOutput | undefined = step.value;
    if (!out?.commit?.oid) throw new AppError("unavailable", `The Hub answered the commit to ${what} without a commit id.`);
    return {
      repo: o.repo,
      type: o.type,
      url: `${hubUrl}/${o.type === "dataset" ? "datasets/" : ""}${o.repo}`,
      commit: { oid: out.commit.oid, url: out.commit.url },
      files: o.files.map((f) => f.path),
    };
  } catch (e) {
    throw hubError(e, what, o.token);
  }
}

/** Sums each file's hashed and uploaded fractions into bytes, and reports at most every PROGRESS_EVERY_MS (and at each phase). */
class Progress {
  private readonly hashed = new Map<string, number>();
  private readonly uploaded = new Map<string, number>();
  private current: HubPushProgress["phase"] = "starting";
  private last = 0;
  constructor(
    private readonly sizes: Map<string, number>,
    private readonly report?: (p: HubPushProgress) => void,
  ) {}

  phase(p: HubPushProgress["phase"]) {
    this.current = p;
    // a file the Hub takes inline is neither hashed nor uploaded by LFS: it counts as done once the commit is under way
    if (p === "committing")
      for (const path of this.sizes.keys()) {
        this.hashed.set(path, 1);
        this.uploaded.set(path, 1);
      }
    this.send(true);
  }

  file(path: string, state: "hashing" | "uploading", fraction: number) {
    (state === "hashing" ? this.hashed : this.uploaded).set(path, Math.min(1, fraction));
    if (state === "uploading") this.hashed.set(path, 1);
    this.send(false);
  }

  private send(now: boolean) {
    if (!this.report || (!now && Date.now() - this.last < PROGRESS_EVERY_MS)) return;
    this.last = Date.now();
    let bytes = 0;
    let hashed = 0;
    let uploaded = 0;
    for (const [path, size] of this.sizes) {
      bytes += size;
      hashed += Math.round(size * (this.hashed.get(path) ?? 0));
      uploaded += Math.round(size * (this.uploaded.get(path) ?? 0));
    }
    this.report({ phase: this.current, bytes, hashed, uploaded });
  }
}

/** One sentence for a failed push: the Hub's status and its own short message, never the token. */
function hubError(e: unknown, what: string, token: string): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof HubApiError) {
    const status = e.statusCode;
    // the package's message: the Hub's own error text, then ". URL: …" (left out: the sentence names the repository)
    const said = redact(String(e.message ?? ""), token)
      .split(/\. URL: /)[0]!
      .replace(/\s+/g, " ")
      .slice(0, 200)
      .replace(/\.$/, "");
    if (status === 401 || status === 403)
      return new AppError(
        "unprocessable",
        `The Hub refused the stored token for ${what} (${status}): check the token has write access${said ? `; the Hub said: ${said}` : ""}.`,
      );
    return new AppError("unavailable", `The Hub answered ${status} while pushing to ${what}${said ? `: ${said}` : ""}.`);
  }
  // fetch's "fetch failed" says nothing: its cause has the code (ECONNREFUSED) or the reason ("bad port")
  const err = e as { cause?: { code?: unknown; message?: unknown }; message?: unknown };
  const why =
    typeof err?.cause?.code === "string"
      ? err.cause.code
      : redact(String(typeof err?.cause?.message === "string" ? err.cause.message : (err?.message ?? e)), token).slice(0, 120);
  return new AppError("unavailable", `The Hub could not be reached while pushing to ${what}: ${why}.`);
}
