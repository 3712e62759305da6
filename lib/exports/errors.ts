// Export settings or rows that cannot be built.
import { AppError } from "../errors";

export type ExportErrorReason = "bad_fractions" | "bad_secret" | "bad_row";

export class ExportError extends AppError {
  constructor(
    readonly reason: ExportErrorReason,
    message: string,
  ) {
    super("bad_request", message);
    this.name = "ExportError";
  }
}
