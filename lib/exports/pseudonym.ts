// Stable per-export labeler pseudonyms: the same user gets the same name within an export (or any
// export made with the same secret) and the name reveals nothing without the secret.
import { createHmac } from "node:crypto";
import { ExportError } from "./errors";

/** "labeler-" + the first 10 hex characters of HMAC-SHA256(exportSecret, userId). */
export function pseudonym(exportSecret: string, userId: string): string {
  if (exportSecret.length < 16) throw new ExportError("bad_secret", "The export secret must be at least 16 characters long.");
  return `labeler-${createHmac("sha256", exportSecret).update(userId).digest("hex").slice(0, 10)}`;
}

/** A memoizing pseudonym function for one export. */
export function pseudonymizer(exportSecret: string): (userId: string) => string {
  pseudonym(exportSecret, ""); // checks the secret once, up front
  const cache = new Map<string, string>();
  return (userId) => {
    let name = cache.get(userId);
    if (name === undefined) cache.set(userId, (name = pseudonym(exportSecret, userId)));
    return name;
  };
}
