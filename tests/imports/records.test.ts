import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ImportError } from "../../lib/imports/errors";
import { canonicalJson, contentHashOf, csvToRecord, normalizeAnswerSetRecord, normalizePromptRecord } from "../../lib/imports/records";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return (e as Error).message;
  }
  throw new Error("expected an ImportError");
}

describe("prompt records", () => {
  it("turns a text prompt into one user message", () => {
    const r = normalizePromptRecord({ prompt: "  Write a haiku.\r\n" }, 1);
    expect(r).toEqual({
      messages: [{ role: "user", content: "Write a haiku." }],
      format: "text",
      split: "train",
      metadata: {},
      contentHash: contentHashOf([{ role: "user", content: "Write a haiku." }]),
    });
    expect(r).not.toHaveProperty("externalId");
  });
  it("reads messages, or a prompt given as messages, as chat; keeps id, split and metadata", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Joke?" },
    ];
    const a = normalizePromptRecord({ messages, id: 42, split: "test", metadata: { topic: "fun" } }, 3);
    const b = normalizePromptRecord({ prompt: messages, id: "42" }, 4);
    expect(a.format).toBe("chat");
    expect(a.externalId).toBe("42");
    expect(a.split).toBe("test");
    expect(a.metadata).toEqual({ topic: "fun" });
    expect(b.messages).toEqual(a.messages);
    expect(b.contentHash).toBe(a.contentHash);
  });
  it("hashes the canonical messages: key order and JSON whitespace do not matter, content does", () => {
    const l1 = JSON.parse('{"messages":[{"role":"user","content":"Hi there"}]}');
    const l2 = JSON.parse('{ "messages" : [ { "content" : "Hi there" ,  "role" : "user" } ] , "id": "x" }');
    const l3 = JSON.parse('{"prompt":"Hi there"}');
    const l4 = JSON.parse('{"prompt":"Hi  there"}');
    const h = (v: unknown) => normalizePromptRecord(v, 1).contentHash;
    expect(h(l1)).toBe(h(l2));
    expect(h(l1)).toBe(h(l3)); // a text prompt is one user message
    expect(h(l1)).not.toBe(h(l4));
    // independently: sha256 of the canonical JSON text
    expect(h(l1)).toBe(createHash("sha256").update('[{"content":"Hi there","role":"user"}]').digest("hex"));
  });
  it("writes canonical JSON with sorted keys at every depth", () => {
    expect(canonicalJson({ b: [{ d: 1, c: null }], a: "x", u: undefined })).toBe('{"a":"x","b":[{"c":null,"d":1}]}');
  });
  it.each([
    [{}, 'field "prompt" is missing (give prompt or messages).'],
    [{ prompt: "a", messages: [{ role: "user", content: "b" }] }, 'field "messages" cannot be given together with prompt.'],
    [{ prompt: "   " }, 'field "prompt" must not be empty.'],
    [{ messages: [] }, 'field "messages" must hold at least one message.'],
    [{ messages: [{ role: "bot", content: "x" }] }, 'field "messages.1.role" must be "system", "user" or "assistant".'],
    [
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: "y" },
        ],
      },
      'field "messages.2.role" must be user for the last message, which the model answers.',
    ],
    [
      {
        messages: [
          { role: "user", content: "x" },
          { role: "system", content: "y" },
          { role: "user", content: "z" },
        ],
      },
      'field "messages.2.role" may be system only for the first message.',
    ],
    [{ prompt: "x", split: "dev" }, 'field "split" must be "train", "validation" or "test".'],
    [{ prompt: "x", metadata: [1] }, 'field "metadata" must be a JSON object.'],
    [{ prompt: 5 }, 'field "prompt" must be a text or a list of messages.'],
    [[1, 2], "the record is not a JSON object."],
    ["text", "the record is not a JSON object."],
  ])("refuses %j with one sentence", (value, reason) => {
    expect(message(() => normalizePromptRecord(value, 7))).toBe(`Line 7: ${reason}`);
  });
});

describe("answer-set records", () => {
  it("normalizes responses and the source name", () => {
    const r = normalizeAnswerSetRecord({ prompt: "Q?", responses: [" a ", "b"], model: "gpt-x" }, 2);
    expect(r.responses).toEqual(["a", "b"]);
    expect(r.sourceName).toBe("gpt-x");
    expect(normalizeAnswerSetRecord({ prompt: "Q?", responses: ["a", "b"], source: "s", model: "m" }, 2).sourceName).toBe("s");
    expect(normalizeAnswerSetRecord({ prompt: "Q?", responses: ["a", "b"] }, 2).sourceName).toBe("");
  });
  it.each([
    [{ prompt: "Q", responses: ["only one"] }, 'field "responses" must hold 2 to 9 answers.'],
    [{ prompt: "Q", responses: Array.from({ length: 10 }, (_, i) => `r${i}`) }, 'field "responses" must hold 2 to 9 answers.'],
    [{ prompt: "Q", responses: ["a", ""] }, 'field "responses.2" must not be empty.'],
    [{ prompt: "Q", responses: ["a", "b", "a "] }, 'field "responses.3" repeats answer 1 word for word.'],
    [{ prompt: "Q", responses: "a,b" }, 'field "responses" must be a list of answer texts.'],
    [{ responses: ["a", "b"] }, 'field "prompt" is missing (give prompt or messages).'],
  ])("refuses %j", (value, reason) => {
    expect(message(() => normalizeAnswerSetRecord(value, 9))).toBe(`Line 9: ${reason}`);
  });
  it("checks the project's K when given", () => {
    expect(message(() => normalizeAnswerSetRecord({ prompt: "Q", responses: ["a", "b", "c"] }, 4, 4))).toBe(
      "Line 4: the record has 3 answers but this project ranks 4 per task.",
    );
  });
});

describe("csvToRecord", () => {
  it("drops empty cells, parses JSON columns and gathers response columns in order", () => {
    expect(
      csvToRecord({ id: "", messages: '[{"role":"user","content":"hi"}]', response_2: "b", response_1: "a", metadata: '{"x":1}', note: "kept" }, 5),
    ).toEqual({ messages: [{ role: "user", content: "hi" }], responses: ["a", "b"], metadata: { x: 1 }, note: "kept" });
  });
  it("refuses bad JSON cells and gaps in the response columns", () => {
    expect(message(() => csvToRecord({ prompt: "x", metadata: "{oops" }, 3))).toBe("Line 3: the metadata cell is not valid JSON.");
    expect(message(() => csvToRecord({ prompt: "x", response_1: "a", response_2: "", response_3: "c" }, 4))).toBe(
      "Line 4: column response_3 is filled but response_2 is empty.",
    );
  });
});
