import { expect } from "vitest";
import { ImportError } from "../../lib/imports/errors";

/** The ImportError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function importFailure(p: Promise<unknown>): Promise<ImportError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error("expected an ImportError");
}
