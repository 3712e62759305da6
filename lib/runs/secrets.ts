// A run's secrets (e.g. an OpenAI-compatible endpoint's API key) at rest: JSON encrypted with
// AES-256-GCM under a key derived from NEXTAUTH_SECRET (RUN_SECRETS_KEY in a worker), stored in TrainingRun.secrets (omitted from
// every query by default) and cleared when the run ends. Only the worker that runs it decrypts them.
import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { envVar, serverSecret } from "../env";

const VERSION = "v1";

/** The key derived from the server secret; what a training worker is given instead of the secret itself. */
export function runSecretsKey(secret = serverSecret()): string {
  return Buffer.from(hkdfSync("sha256", secret, "rlhf-studio", "training-run-secrets", 32)).toString("base64url");
}

function key(): Buffer {
  // Workers started by npm start get RUN_SECRETS_KEY (lib/child-env.ts keeps NEXTAUTH_SECRET from them).
  const given = envVar("RUN_SECRETS_KEY");
  return Buffer.from(given || runSecretsKey(), "base64url");
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export function encryptSecrets(secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecrets(stored: string): Record<string, string> {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("The run's stored secrets are not in a known format.");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    const text = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new Error("The run's stored secrets cannot be decrypted: was NEXTAUTH_SECRET changed?");
  }
}
