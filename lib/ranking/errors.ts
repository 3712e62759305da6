// A ranking that cannot be read or is not a valid ordering of the task's answers.
import { AppError } from "../errors";

/** Why a ranking was refused; `code` (from AppError) is always "bad_request" (HTTP 400). */
export type RankingErrorReason =
  | "bad_k" // K outside 2..9
  | "empty" // no ranking given at all
  | "garbage" // a token that is neither a letter, ">" nor "="
  | "empty_tier" // "A > > B", a leading or trailing ">" or "="
  | "not_in_task" // "E" when K = 4, or a position outside 0..K-1
  | "duplicate" // an answer named twice
  | "missing" // an answer left out
  | "bad_move" // a tier-editing helper was asked for an impossible move
  | "strength"; // a preference strength where it does not fit (K > 2, or a tie)

export class RankingError extends AppError {
  constructor(
    readonly reason: RankingErrorReason,
    message: string,
  ) {
    super("bad_request", message);
    this.name = "RankingError";
  }
}
