// POST /api/playground: one answer from a policy checkpoint (and its reward-model score), computed
// by the inference server, never on this server's event loop. 503 when that server is not running.
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/http/handler";
import { inferenceClient, InferenceUnavailableError } from "@/lib/inference/client";
import { playgroundTurn } from "@/lib/inference/playground";
import { playgroundRequest } from "@/lib/inference/schema";

export const POST = route({ permission: "runs.read" }, async ({ req }) => {
  const body = await readJson(req, playgroundRequest);
  try {
    return await playgroundTurn(inferenceClient(), body);
  } catch (e) {
    if (e instanceof InferenceUnavailableError) return NextResponse.json({ error: { code: "unavailable", message: e.message } }, { status: 503 });
    throw e;
  }
});
