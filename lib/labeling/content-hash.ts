import crypto from "node:crypto";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/** sha256 of the canonical JSON of a chat: same messages, same hash, whatever the source layout. */
export function messagesHash(messages: ChatMessage[]): string {
  const canonical = JSON.stringify(messages.map((m) => [m.role, m.content]));
  return crypto.createHash("sha256").update(canonical).digest("hex");
}
