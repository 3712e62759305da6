// POST /api/playground: one answer from a policy checkpoint (and its reward-model score), computed
// by the inference server, never on this server's event loop. 503 when that server is not running
// (InferenceUnavailableError is the "unavailable" AppError).
import { route } from "@/lib/http/handler";
import { inferenceClient } from "@/lib/inference/client";
import { playgroundTurn } from "@/lib/inference/playground";
import { playgroundRequest } from "@/lib/inference/schema";

export const POST = route({ permission: "runs.read", body: playgroundRequest }, async ({ body }) => playgroundTurn(inferenceClient(), body));
