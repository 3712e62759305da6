// One playground turn: an answer from a policy checkpoint, scored by the chosen reward model.
import "server-only";
import type { InferenceClient } from "./client";
import { playgroundRequest, type PlaygroundReply, type PlaygroundRequest } from "./schema";

export async function playgroundTurn(client: InferenceClient, input: PlaygroundRequest): Promise<PlaygroundReply> {
  const req = playgroundRequest.parse(input);
  const { answers, ms } = await client.generate({ artifactId: req.artifactId, messages: req.messages, sampling: req.sampling, n: 1 });
  const answer = answers[0];
  if (answer === undefined) throw new Error("The inference worker returned no answer.");
  let score: number | null = null;
  if (req.rewardModelId) {
    const s = await client.score({ artifactId: req.rewardModelId, messages: req.messages, responses: [answer.text] });
    score = s.scores[0] ?? null;
  }
  return { text: answer.text, tokens: answer.tokens, finished: answer.finished, ms, score };
}
