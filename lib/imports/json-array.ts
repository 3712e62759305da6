// Streams the elements of a JSON array file (`[{...}, {...}]`, as `datasets` and most tools write
// .json) one at a time, without holding the file: a small scanner finds where each top-level
// element ends (outside strings, at depth 0 inside the array), then JSON.parse reads just that one.
import { ImportError } from "./errors";
import { chunksOf, type ChunkSource } from "./lines";

export type JsonElement = {
  /** 1-based line on which the element starts. */
  line: number;
  value: unknown;
};

const NOT_ARRAY = "a .json file must hold one JSON array of records ([{...}, {...}]); use .jsonl for one record per line.";
const isSpace = (ch: string) => ch === " " || ch === "\n" || ch === "\r" || ch === "\t";

/**
 * Yields every element of the file's top-level array, in order. Bad JSON, a missing record, text
 * outside the array or an element longer than `maxChars` throws an ImportError naming the line.
 */
export async function* readJsonArray(source: ChunkSource, maxChars: number): AsyncGenerator<JsonElement> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  let state: "before" | "inside" | "after" = "before";
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let element = ""; // the current element's text
  let startLine = 0; // where it started; 0 while only whitespace was seen
  let count = 0;

  function* scan(text: string): Generator<JsonElement> {
    for (const ch of text) {
      if (state === "before") {
        if (ch === "[") state = "inside";
        else if (!isSpace(ch)) throw new ImportError("json", line, NOT_ARRAY);
      } else if (state === "after") {
        if (!isSpace(ch)) throw new ImportError("json", line, "there is text after the array's closing ].");
      } else if (!inString && depth === 0 && (ch === "," || ch === "]")) {
        if (startLine === 0) {
          if (ch === "]" && count === 0)
            state = "after"; // []
          else
            throw new ImportError(
              "json",
              line,
              ch === "]" ? "a comma is followed by no record before the closing ]." : "a record is missing before this comma.",
            );
        } else {
          let value: unknown;
          try {
            value = JSON.parse(element);
          } catch {
            throw new ImportError("json", startLine, "the record starting on this line is not valid JSON.");
          }
          count++;
          yield { line: startLine, value };
          element = "";
          startLine = 0;
          if (ch === "]") state = "after";
        }
      } else {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === "\\") escaped = true;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") depth--;
        if (startLine === 0 && !isSpace(ch)) startLine = line;
        if (startLine !== 0) element += ch;
        if (element.length > maxChars) throw new ImportError("too_long", startLine, `the record is longer than ${Math.round(maxChars / 1024)} KiB.`);
      }
      if (ch === "\n") line++;
    }
  }

  try {
    for await (const chunk of chunksOf(source)) yield* scan(decoder.decode(chunk, { stream: true }));
    yield* scan(decoder.decode());
  } catch (e) {
    if (e instanceof TypeError) throw new ImportError("encoding", line, "the file is not valid UTF-8.");
    throw e;
  }
  if (state === "before") throw new ImportError("empty_file", 0, "The file holds no records.");
  if (state === "inside") throw new ImportError("json", line, "the file ends before the array's closing ].");
}
