// Whether the sign-in cookies are Secure (sent over HTTPS only; next-auth then also names them
// __Secure-… / __Host-…). Decided per request, so an app reached over HTTPS gets Secure cookies
// even when NEXTAUTH_URL says http (the default npm start sets), and the same decision is used
// wherever the cookie is read (lib/auth/current-user.ts, proxy.ts) or written.
//   SECURE_COOKIES=1 / 0   always / never (0 only for plain-HTTP testing);
//   otherwise              Secure when NEXTAUTH_URL is https, or the request came over HTTPS: a TLS
//                          socket, or X-Forwarded-Proto "https" from the proxy that ended TLS. A
//                          client that forges that header only makes its own cookie Secure.
import { reachedOverHttps, type HeaderBag } from "../http/https";
import { envVar } from "../env";

export function requestIsHttps(headers: HeaderBag): boolean {
  const setting = envVar("SECURE_COOKIES");
  if (setting === "1" || setting === "true") return true;
  if (setting === "0" || setting === "false") return false;
  return reachedOverHttps(headers);
}

/** next-auth's session cookie name for that choice. */
export const sessionCookieName = (secure: boolean) => `${secure ? "__Secure-" : ""}next-auth.session-token`;
