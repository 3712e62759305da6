// The signed-in user, read through one function. The JWT names the user and carries the session
// version and password-change time it was signed in with (./session.ts); the role, the disabled
// flag and whether the session still counts are read from the database on every request, so a
// role change, a disabled account or a password change takes effect at once. The cookie is read by
// ./session-cookie.ts, which the routes the web server answers itself (lib/http/direct.ts) call too.
import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import type { SessionUser } from "./authenticate";
import { sessionUserFromHeaders } from "./session-cookie";

export const getCurrentUser = cache(async (): Promise<SessionUser | null> => sessionUserFromHeaders(await headers()));
