// Request bodies are read through one limiter: it counts bytes as they stream in and stops at the
// route's limit, so no client can make the server hold more than that, chunked or not. A declared
// Content-Length over the limit is refused before a byte is read.
import { AppError } from "../errors";
import { MAX_IMPORT_BYTES } from "../validation/import";

/** What a route takes as its body; each kind has its own limit in bytes. */
export type BodyKind = "none" | "json" | "form" | "upload";

export const BODY_LIMITS: Record<BodyKind, number> = {
  none: 1024, // cancel, resume, renew: nothing is read, a stray small body is tolerated
  json: 1_000_000, // the largest JSON a route takes (a demonstration); readJson callers may ask for less
  form: 64 * 1024, // next-auth's sign-in and sign-out forms
  upload: MAX_IMPORT_BYTES, // imports: streamed to the parser, never buffered
};

const tooLarge = (max: number) =>
  new AppError("too_large", `The request body is larger than ${max >= 1024 * 1024 ? `${max / 1024 / 1024} MiB` : `${max} bytes`}.`);

/** Refuses a declared Content-Length over `max` (a body without one is checked while it streams). */
export function checkDeclaredLength(req: Request, max: number): void {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
}

/**
 * Reads the whole body, at most `max` bytes. Past the limit it stops reading and throws a 413
 * without draining or cancelling the stream (cancelling would reset the socket before the answer
 * is sent; the 413 closes the connection instead).
 */
export async function readBody(req: Request, max: number): Promise<Buffer> {
  checkDeclaredLength(req, max);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let seen = 0;
  for await (const chunk of limitStream(req.body, max)) {
    chunks.push(chunk);
    seen += chunk.byteLength;
  }
  return Buffer.concat(chunks, seen);
}

/** The body's chunks, throwing a 413 as soon as more than `max` bytes have arrived. */
export async function* limitStream(body: ReadableStream<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > max) throw tooLarge(max);
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** A copy of `req` whose body streams through the limiter (for routes that hand the body on unread). */
type StreamInit = { method: string; headers: Headers; body: ReadableStream<Uint8Array>; duplex: "half" };

export function withBodyLimit<R extends Request>(req: R, max: number, make: (init: StreamInit) => R): R {
  checkDeclaredLength(req, max);
  if (!req.body) return req;
  const it = limitStream(req.body, max);
  const limited = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
  });
  return make({ method: req.method, headers: req.headers, body: limited, duplex: "half" });
}
