// One id schema (lib/validation/id.ts): every record id is checked with it, and no file carries a
// UUID regex of its own (lookups by an id of another shape find nothing, as they did with the copies).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isId } from "../../lib/validation/id";
import { repoRoot as root, sourceFiles } from "../helpers/source-files";

describe("the one id schema", () => {
  it("takes a PostgreSQL uuid in either case, of any version, and nothing else", () => {
    expect(isId("0b7e7dee-87ac-4d8c-9d1e-2a5a6a8c1f00")).toBe(true);
    expect(isId("0B7E7DEE-87AC-4D8C-9D1E-2A5A6A8C1F00")).toBe(true);
    expect(isId("00000000-0000-0000-0000-000000000000")).toBe(true);
    for (const bad of [
      "",
      "42",
      "0b7e7dee87ac4d8c9d1e2a5a6a8c1f00",
      "0b7e7dee-87ac-4d8c-9d1e-2a5a6a8c1f0",
      "0b7e7dee-87ac-4d8c-9d1e-2a5a6a8c1f00 ",
      "g0000000-0000-0000-0000-000000000000",
    ])
      expect(isId(bad), bad).toBe(false);
  });

  it("is the only UUID pattern in app/, components/ and lib/", () => {
    const copies = ["app", "components", "lib"]
      .flatMap(sourceFiles)
      .filter((file) => /\[0-9a-f(A-F)?\]\{8\}-/.test(fs.readFileSync(path.join(root, file), "utf8")));
    expect(copies).toEqual([]);
  });
});
