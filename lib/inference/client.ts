// The web server's side of the inference server (lib/inference/server.ts): INFERENCE_URL and
// INFERENCE_SECRET from the environment; its answers and errors relayed as they are; "not running"
// as one clear sentence (an AppError "unavailable": 503).
import "server-only";
import { AppError, type ErrorCode } from "../errors";
import { SECRET_HEADER, type GenerateBody, type GenerateReply, type ScoreBody, type ScoreReply } from "./schema";
import { envVar } from "../env";

/** The inference server is not reachable: a 503 through the route wrapper's one error mapping. */
class InferenceUnavailableError extends AppError {
  override name = "InferenceUnavailableError";
  constructor(message: string) {
    super("unavailable", message);
  }
}

const NOT_RUNNING =
  "The inference server is not running, so the playground cannot generate: it starts with npm start (or run `npx tsx --conditions=react-server scripts/inference.ts`).";

const CODES: Record<number, ErrorCode> = { 400: "bad_request", 404: "not_found", 413: "too_large", 422: "unprocessable" };

export type InferenceClient = { generate(b: GenerateBody): Promise<GenerateReply>; score(b: ScoreBody): Promise<ScoreReply> };

export function inferenceClient(env: Record<string, string | undefined> = process.env): InferenceClient {
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const base = envVar("INFERENCE_URL", env);
    const secret = envVar("INFERENCE_SECRET", env);
    if (!base || !secret) throw new InferenceUnavailableError(NOT_RUNNING);
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        method: "POST",
        headers: { "content-type": "application/json", [SECRET_HEADER]: secret },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5 * 60_000),
      });
    } catch {
      throw new InferenceUnavailableError(NOT_RUNNING);
    }
    const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (res.ok) return json as T;
    const message = json?.error?.message ?? `The inference server answered ${res.status}.`;
    if (res.status === 401)
      throw new InferenceUnavailableError("The inference server refused the web server's secret: INFERENCE_SECRET differs between the two.");
    const code = CODES[res.status];
    if (code) throw new AppError(code, message);
    throw new Error(`inference server ${res.status}: ${message}`);
  };
  return {
    generate: (b) => call<GenerateReply>("/generate", b),
    score: (b) => call<ScoreReply>("/score", b),
  };
}
