// Settings an admin edits in the app (Admin → Settings), kept in the AppSetting table.
import "server-only";
import { audit } from "./audit";
import type { SessionUser } from "./auth/authenticate";
import type { Db } from "./db";
import { AppError } from "./errors";
import { EndpointRefused, parseAllowList } from "./generation/endpoint-guard";
import type { EndpointAllowListInput } from "./validation/settings";

export const ENDPOINT_ALLOW_LIST = "endpoint_allow_list";

/** The hosts OpenAI-compatible endpoints may be on (empty until an admin adds some). */
export async function endpointAllowList(db: Db): Promise<string[]> {
  const row = await db.appSetting.findUnique({ where: { key: ENDPOINT_ALLOW_LIST } });
  const hosts = (row?.value as { hosts?: unknown } | null)?.hosts;
  return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === "string") : [];
}

/** Replaces the allow-list (the caller has checked settings.manage); refuses an entry it cannot read. */
export async function setEndpointAllowList(db: Db, user: SessionUser, input: EndpointAllowListInput): Promise<string[]> {
  let hosts: string[];
  try {
    hosts = parseAllowList(input.hosts).entries;
  } catch (e) {
    if (e instanceof EndpointRefused) throw new AppError("bad_request", e.message);
    throw e;
  }
  await db.$transaction(async (tx) => {
    await tx.appSetting.upsert({
      where: { key: ENDPOINT_ALLOW_LIST },
      create: { key: ENDPOINT_ALLOW_LIST, value: { hosts } },
      update: { value: { hosts } },
    });
    await audit(tx, user.id, "settings.endpoint_allow_list", { type: "setting", id: ENDPOINT_ALLOW_LIST }, { hosts });
  });
  return hosts;
}
