// Cross-site request checks for cookie-authenticated writes. SameSite=Lax cookies do not separate
// two ports of one host, so a page elsewhere on the same machine could otherwise post as the user.
// A write is accepted when the browser says it came from this origin (Sec-Fetch-Site: same-origin)
// or, for browsers without Fetch Metadata, when its Origin header is this app's origin.
import { AppError } from "../errors";
import type { BodyKind } from "./body";
import { envVar } from "../env";

export const CROSS_SITE_MESSAGE =
  "Cross-site request refused: writes with a sign-in cookie must come from the app's own pages (use an API token from scripts).";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const isWrite = (method: string) => !SAFE_METHODS.has(method.toUpperCase());

/** The origins this app answers as: the request's Host (scheme-insensitive) and NEXTAUTH_URL's origin. */
function isAppOrigin(req: Request, origin: string): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.protocol !== "http:" && o.protocol !== "https:") return false;
  const host = req.headers.get("host") ?? new URL(req.url).host;
  if (o.host === host) return true;
  const configured = envVar("NEXTAUTH_URL");
  if (configured) {
    try {
      if (new URL(configured).origin === o.origin) return true;
    } catch {
      /* an invalid NEXTAUTH_URL matches nothing */
    }
  }
  return false;
}

/**
 * Throws 403 unless a cookie-authenticated write comes from this app's pages. `strict` (every
 * cookie route) also refuses a request that carries neither header; next-auth's own forms are
 * checked leniently (refused only when a header names another origin) and carry a CSRF token.
 */
export function assertSameOrigin(req: Request, strict = true): void {
  if (!isWrite(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  if (site !== null) {
    if (site !== "same-origin") throw new AppError("forbidden", CROSS_SITE_MESSAGE);
    return;
  }
  if (origin !== null) {
    if (!isAppOrigin(req, origin)) throw new AppError("forbidden", CROSS_SITE_MESSAGE);
    return;
  }
  if (strict) throw new AppError("forbidden", CROSS_SITE_MESSAGE);
}

/** The media type without parameters, lower-cased ("" when absent). */
const mediaType = (req: Request) => (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/** The three types a cross-site page may send without a CORS preflight. */
const SIMPLE_TYPES = new Set(["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * JSON routes take only application/json; upload routes take any type a cross-site form could not
 * send (application/octet-stream, text/csv, ...). Bodiless routes are not checked.
 */
export function assertContentType(req: Request, kind: BodyKind): void {
  if (!isWrite(req.method) || kind === "none" || kind === "form") return;
  const type = mediaType(req);
  if (kind === "json" && type !== "application/json")
    throw new AppError("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  if (kind === "upload" && SIMPLE_TYPES.has(type))
    throw new AppError("unsupported_media_type", "Send the file as the body with a Content-Type such as application/octet-stream.");
}
