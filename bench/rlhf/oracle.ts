// The hidden ground truth of the RLHF benchmark. Only the simulated people (labelers.ts,
// people.ts: demonstrators and the web text's authors) and the final evaluation import it;
// the training stages see its judgement only through rankings and demonstrations.
//
// Score = correctness + style bonus, correctness first, style second, closeness third:
//   correct answer        1                                           (+ STYLE_BONUS when styled)
//   wrong answer          PARTIAL · similarity to the correct one     (+ STYLE_BONUS when styled)
// Every correct answer beats every wrong one (PARTIAL + STYLE_BONUS < 1); among answers equally
// correct the styled one wins (PARTIAL < STYLE_BONUS); among wrong answers of the same style the
// closer one (edit distance) wins.

import { parseTask, type Task } from './tasks';

/** The bonus for the stated style: the answer alone, ending with a full stop, e.g. "dcba.". */
const STYLE_BONUS = 0.25;
const PARTIAL = 0.1;

/** The correct answer of a task. */
export function solve(t: Task): string {
  switch (t.op) {
    case 'reverse':
      return [...t.arg].reverse().join('');
    case 'sort':
      return [...t.arg].sort().join('');
    case 'double':
      return t.arg + t.arg;
  }
}

/** The answer in the stated style. */
export function styled(answer: string): string {
  return `${answer}.`;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

export interface Judgement {
  score: number;
  correct: boolean;
  styled: boolean;
}

/** The oracle's judgement of `response` (the assistant's text) to `prompt`. */
export function judge(prompt: string, response: string): Judgement {
  const want = solve(parseTask(prompt));
  const isStyled = response.endsWith('.');
  const core = isStyled ? response.slice(0, -1) : response;
  const correct = core === want;
  const similarity = 1 - levenshtein(core, want) / Math.max(core.length, want.length, 1);
  const score = (correct ? 1 : PARTIAL * similarity) + (isStyled ? STYLE_BONUS : 0);
  return { score, correct, styled: isStyled };
}

const oracleScore = (prompt: string, response: string): number => judge(prompt, response).score;

/** +1 when the oracle prefers a, -1 when b, 0 for a tie. */
export function oracleCompare(prompt: string, a: string, b: string): number {
  const d = oracleScore(prompt, a) - oracleScore(prompt, b);
  return Math.abs(d) < 1e-9 ? 0 : Math.sign(d);
}
