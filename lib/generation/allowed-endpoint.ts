// An endpoint's base URL checked against the admin's allow-list (lib/settings.ts) and resolved once:
// used when a generate run is queued and again when the worker opens the endpoint.
import "server-only";
import type { Db } from "../db";
import { endpointAllowList } from "../settings";
import { checkEndpoint, parseAllowList, type Target } from "./endpoint-guard";

/** Throws EndpointRefused with one sentence when the endpoint may not be reached. */
export async function allowedEndpoint(db: Db, baseUrl: string): Promise<Target> {
  return checkEndpoint(baseUrl, parseAllowList(await endpointAllowList(db)));
}
