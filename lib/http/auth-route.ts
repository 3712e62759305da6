// next-auth reads its request body itself (req.text() on the whole stream). This wrapper reads it
// first, at most BODY_LIMITS.form bytes counted while it streams, refuses a form posted from another
// origin, and hands next-auth a copy of the request with the bounded body.
import "server-only";
import { NextRequest } from "next/server";
import { BODY_LIMITS, readBody } from "./body";
import { errorResponse } from "./handler";
import { assertSameOrigin } from "./same-origin";

type Ctx = { params: Promise<{ nextauth: string[] }> };

export function boundedAuthHandler(handler: (req: NextRequest, ctx: Ctx) => Promise<Response>) {
  return async (req: NextRequest, ctx: Ctx): Promise<Response> => {
    if (req.method !== "POST") return handler(req, ctx);
    let body: Buffer;
    try {
      assertSameOrigin(req, false);
      body = await readBody(req, BODY_LIMITS.form);
    } catch (e) {
      return errorResponse(e);
    }
    return handler(new NextRequest(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) }), ctx);
  };
}
