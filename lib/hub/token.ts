// The Hugging Face access token an admin stores for pushes: encrypted at rest exactly like a run's
// secrets (AES-256-GCM under the key derived from NEXTAUTH_SECRET, lib/runs/secrets.ts) in the
// AppSetting table, never returned or logged; the settings page only learns whether one is set.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { envVar } from "../env";
import { AppError } from "../errors";
import { decryptSecrets, encryptSecrets } from "../runs/secrets";
import type { HubTokenInput } from "../validation/hub";

export const HUB_TOKEN = "hub_token";

export type HubStatus = { enabled: boolean; hubUrl: string; token: { set: boolean; updatedAt: string | null } };

/** Whether pushes are on (HUB_PUSH=1), where they go, and whether a token is stored. */
export async function hubStatus(db: Db): Promise<HubStatus> {
  const row = await db.appSetting.findUnique({ where: { key: HUB_TOKEN } });
  return { enabled: envVar("HUB_PUSH") === "1", hubUrl: envVar("HUB_URL"), token: { set: !!row, updatedAt: row ? row.updatedAt.toISOString() : null } };
}

/** Stores (or replaces) the token, encrypted; the audit log records that it changed, never the token. */
export async function setHubToken(db: Db, user: SessionUser, input: HubTokenInput): Promise<HubStatus> {
  const value = { encrypted: encryptSecrets({ token: input.token }) };
  await db.$transaction(async (tx) => {
    await tx.appSetting.upsert({ where: { key: HUB_TOKEN }, create: { key: HUB_TOKEN, value }, update: { value } });
    await audit(tx, user.id, "settings.hub_token", { type: "setting", id: HUB_TOKEN }, { set: true });
  });
  return hubStatus(db);
}

export async function clearHubToken(db: Db, user: SessionUser): Promise<HubStatus> {
  await db.$transaction(async (tx) => {
    await tx.appSetting.deleteMany({ where: { key: HUB_TOKEN } });
    await audit(tx, user.id, "settings.hub_token", { type: "setting", id: HUB_TOKEN }, { set: false });
  });
  return hubStatus(db);
}

/** The stored token in clear, for one push; null when none is stored. */
export async function hubToken(db: Db): Promise<string | null> {
  const row = await db.appSetting.findUnique({ where: { key: HUB_TOKEN } });
  const encrypted = (row?.value as { encrypted?: unknown } | null)?.encrypted;
  if (typeof encrypted !== "string") return null;
  let token: string | undefined;
  try {
    token = decryptSecrets(encrypted).token;
  } catch {
    throw new AppError("conflict", "The stored Hugging Face token cannot be decrypted (was NEXTAUTH_SECRET changed?): store it again under Settings.");
  }
  return typeof token === "string" && token ? token : null;
}
