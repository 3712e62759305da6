// Work-in-progress kept in localStorage so a reload, a crash or a lost lease never loses it.
// Every entry is stamped; entries untouched for a week are pruned. Storage failures (private mode,
// quota) are ignored: the UI keeps working, it just cannot restore.
const PREFIX = "rlhf:";
const WEEK_MS = 7 * 24 * 3600 * 1000;

type Entry = { savedAt: number; value: unknown };

export function loadStored(key: string): unknown {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as Entry).value;
  } catch {
    return undefined;
  }
}

export function saveStored(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify({ savedAt: Date.now(), value } satisfies Entry));
  } catch {
    // Quota or privacy mode: nothing to do.
  }
}

export function clearStored(key: string): void {
  try {
    window.localStorage.removeItem(PREFIX + key);
  } catch {
    // Ignored, as above.
  }
}

/** This app's keys that start with `prefix` (without the app's own prefix). */
export function storedKeys(prefix: string): string[] {
  try {
    const keys: string[] = [];
    for (let i = 0; i < window.localStorage.length; i++) {
      const key = window.localStorage.key(i);
      if (key?.startsWith(PREFIX + prefix)) keys.push(key.slice(PREFIX.length));
    }
    return keys;
  } catch {
    return [];
  }
}

/**
 * Drops this app's entries older than a week (drafts of tasks that went to someone else). Labels
 * waiting to be sent (outbox.ts) are never dropped: they leave storage once the server has them.
 */
export function pruneStored(now = Date.now()): void {
  try {
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const key = window.localStorage.key(i);
      if (!key?.startsWith(PREFIX) || key.startsWith(`${PREFIX}outbox:`)) continue;
      const entry = JSON.parse(window.localStorage.getItem(key) ?? "null") as Partial<Entry> | null;
      if (typeof entry?.savedAt !== "number" || now - entry.savedAt > WEEK_MS) window.localStorage.removeItem(key);
    }
  } catch {
    // Ignored, as above.
  }
}

/** The task's submission id, created once and kept across reloads so a retry stores one result. */
export function clientIdFor(assignmentId: string): string {
  const key = clientIdKey(assignmentId);
  const stored = loadStored(key);
  if (typeof stored === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(stored)) return stored;
  const id = randomId();
  saveStored(key, id);
  return id;
}

/** crypto.randomUUID where the page is a secure context; the same format from getRandomValues elsewhere. */
function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  // b has 16 bytes: set the version (4) and variant (10xx) bits.
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Storage keys of one assignment's draft and submission id. */
export const draftKey = (kind: string, assignmentId: string) => `draft:${kind}:${assignmentId}`;
export const clientIdKey = (assignmentId: string) => `client-id:${assignmentId}`;
