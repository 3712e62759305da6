// The other simulated people of the benchmark: the authors of the "web text" the base model is
// pretrained on (they know the tasks but make mistakes) and the demonstrators who write the SFT
// data (always correct, and only sometimes in the stated style). Like the labelers, they see the
// oracle; the training stages see only the files they write.

import { prng } from '../../ml/index';
import { solve, styled } from './oracle';
import { OPS, randomTask, type Task } from './tasks';

/** A plausible wrong answer: a slip in the right answer, or the answer to another task. */
function mistake(t: Task, rand: () => number): string {
  const right = solve(t);
  const kind = rand();
  if (kind < 0.4 && right.length > 1) {
    const i = Math.floor(rand() * (right.length - 1));
    return right.slice(0, i) + right[i + 1] + right[i] + right.slice(i + 2); // two neighbours swapped
  }
  if (kind < 0.7) return right.slice(0, Math.max(1, right.length - 1)); // one character short
  const other = OPS.filter((o) => o !== t.op);
  return solve({ ...t, op: other[Math.floor(rand() * other.length)] });
}

/**
 * Pretraining text: `n` question/answer notes like "Q: reverse abcd\nA: dcba\n\n", a fraction
 * `errorRate` of them wrong, never in the stated style. Prompts come from the task family at
 * random, except the `heldOut` ones: the evaluation must judge prompts no stage has trained on.
 */
export function webText(n: number, seed: number, errorRate: number, heldOut: ReadonlySet<string> = new Set()): string {
  const rand = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = randomTask(rand);
    while (heldOut.has(t.prompt)) t = randomTask(rand);
    const answer = rand() < errorRate ? mistake(t, rand) : solve(t);
    out.push(`Q: ${t.prompt}\nA: ${answer}\n\n`);
  }
  return out.join('');
}

/** SFT demonstrations as JSONL lines of {messages}: always correct, styled with probability `styleRate`. */
export function demonstrations(tasks: readonly Task[], seed: number, styleRate: number): string[] {
  const rand = prng(seed);
  return tasks.map((t) => {
    const answer = solve(t);
    const content = rand() < styleRate ? styled(answer) : answer;
    return JSON.stringify({
      messages: [
        { role: 'user', content: t.prompt },
        { role: 'assistant', content },
      ],
    });
  });
}
