// Input to an agreement or consensus computation that does not make sense.
import { AppError } from "../errors";

export type QualityErrorReason = "no_rankings" | "different_answers" | "bad_tiers" | "bad_matrix";

export class QualityError extends AppError {
  constructor(
    readonly reason: QualityErrorReason,
    message: string,
  ) {
    super("bad_request", message);
    this.name = "QualityError";
  }
}
