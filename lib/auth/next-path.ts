// Where to go after sign-in. `next` comes from the query string, so it is parsed with URL against
// the app's origin, as the browser will resolve it: "/\evil.example", "/\t/evil", "//evil" and
// absolute URLs all resolve to another origin and become "/". Used by the client form; no secrets.

/** An in-app path (path, query and hash) for `next`, or "/" when it would leave `origin`. */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  if (!next) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  const path = url.pathname + url.search + url.hash;
  // "/a/..//evil" resolves here to the path "//evil", which the router would read as another host.
  if (!path.startsWith("/") || path.startsWith("//")) return "/";
  return path;
}
