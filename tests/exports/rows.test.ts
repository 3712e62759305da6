import { describe, expect, it } from "vitest";
import {
  conversationalPreferenceRow,
  ppoMessagesRow,
  ppoPromptRow,
  preferenceRow,
  rankingRow,
  renderPrompt,
  sftMessagesRow,
  sftRow,
  type ExportPrompt,
} from "../../lib/exports/rows";

const text: ExportPrompt = { format: "text", messages: [{ role: "user", content: "Write a haiku." }] };
const chat: ExportPrompt = {
  format: "chat",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello!" },
    { role: "user", content: "A joke?" },
  ],
};
const keys = (o: object) => Object.keys(o).sort();

describe("renderPrompt", () => {
  it("leaves a text prompt as its text", () => {
    expect(renderPrompt(text)).toBe("Write a haiku.");
  });
  it("renders a chat prompt as labelled turns ending in Assistant:", () => {
    expect(renderPrompt(chat)).toBe("System: Be brief.\n\nUser: Hi\n\nAssistant: Hello!\n\nUser: A joke?\n\nAssistant:");
    expect(renderPrompt({ format: "chat", messages: [{ role: "user", content: "Q" }] })).toBe("User: Q\n\nAssistant:");
  });
  it("refuses a prompt with no messages", () => {
    expect(() => renderPrompt({ format: "chat", messages: [] })).toThrow("The prompt has no messages.");
  });
});

describe("SFT rows", () => {
  it("prompt-completion has exactly prompt and completion", () => {
    expect(sftRow(text, "Leaves fall")).toEqual({ prompt: "Write a haiku.", completion: "Leaves fall" });
    const row = sftRow(chat, "Why not.");
    expect(keys(row)).toEqual(["completion", "prompt"]);
    expect(row.prompt + row.completion).toBe(`${renderPrompt(chat)} Why not.`);
  });
  it("messages appends the assistant answer to a copy of the prompt", () => {
    const row = sftMessagesRow(chat, "Why not.");
    expect(keys(row)).toEqual(["messages"]);
    expect(row.messages).toHaveLength(5);
    expect(row.messages[4]).toEqual({ role: "assistant", content: "Why not." });
    expect(chat.messages).toHaveLength(4);
    expect(sftMessagesRow(text, "x").messages).toEqual([
      { role: "user", content: "Write a haiku." },
      { role: "assistant", content: "x" },
    ]);
  });
});

describe("preference rows", () => {
  it("standard layout: prompt, chosen, rejected strings; margin only when given", () => {
    expect(preferenceRow(text, "good", "bad")).toEqual({ prompt: "Write a haiku.", chosen: "good", rejected: "bad" });
    const row = preferenceRow(chat, "good", "bad", { margin: 2 });
    expect(keys(row)).toEqual(["chosen", "margin", "prompt", "rejected"]);
    expect(row).toMatchObject({ chosen: " good", rejected: " bad", margin: 2 });
    expect(keys(preferenceRow(text, "a", "b", { margin: 0 }))).toContain("margin");
    expect(preferenceRow(text, "a", "b", { margin: 0, tie: true })).toMatchObject({ margin: 0, tie: true });
  });
  it("conversational layout: prompt messages and one assistant turn each", () => {
    const row = conversationalPreferenceRow(chat, "good", "bad");
    expect(keys(row)).toEqual(["chosen", "prompt", "rejected"]);
    expect(row.prompt).toEqual(chat.messages);
    expect(row.prompt).not.toBe(chat.messages);
    expect(row.chosen).toEqual([{ role: "assistant", content: "good" }]);
    expect(row.rejected).toEqual([{ role: "assistant", content: "bad" }]);
    expect(conversationalPreferenceRow(text, "a", "b", { margin: 1 }).margin).toBe(1);
  });
});

describe("rankingRow", () => {
  const input = {
    prompt: text,
    responses: ["a", "b", "c", "d"],
    tiers: [[0], [1], [3, 2]],
    likert: [7, 5, null, 2],
    flags: [[], [], ["hallucination"], []],
    labeler: "labeler-0123456789",
    timeSpentMs: 4200,
  };
  it("holds exactly the whole-ranking fields", () => {
    const row = rankingRow(input);
    expect(keys(row)).toEqual(["flags", "labeler", "likert", "prompt", "ranking", "responses", "tiers", "time_spent_ms"]);
    expect(row).toEqual({
      prompt: "Write a haiku.",
      responses: ["a", "b", "c", "d"],
      ranking: "A > B > C = D",
      tiers: [[0], [1], [2, 3]],
      likert: [7, 5, null, 2],
      flags: [[], [], ["hallucination"], []],
      labeler: "labeler-0123456789",
      time_spent_ms: 4200,
    });
  });
  it("can carry the prompt as messages", () => {
    expect(rankingRow({ ...input, prompt: chat }, "messages").prompt).toEqual(chat.messages);
  });
  it("refuses tiers or per-answer lists that do not match the responses", () => {
    expect(() => rankingRow({ ...input, tiers: [[0], [1], [2]] })).toThrow("Answer D is not ranked.");
    expect(() => rankingRow({ ...input, likert: [1, 2, 3] })).toThrow("The ranking has 4 answers but 3 Likert scores and 4 flag lists.");
  });
});

describe("PPO prompt rows", () => {
  it("have exactly prompt or messages", () => {
    expect(ppoPromptRow(text)).toEqual({ prompt: "Write a haiku." });
    expect(ppoPromptRow(chat)).toEqual({ prompt: renderPrompt(chat) });
    expect(ppoMessagesRow(chat)).toEqual({ messages: chat.messages });
    expect(keys(ppoMessagesRow(text))).toEqual(["messages"]);
  });
});
