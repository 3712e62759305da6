// The estimate of a run's peak memory and time per step (lib/runs/estimate.ts), shown before it is
// queued, with the sentence that refuses a run too big for the machine.
import type { Estimate } from "@/ml/browser";
import { fmtBytes } from "@/ml/browser";
import { usableMemory } from "@/lib/runs/estimate";

const secs = (s: number) => (s < 1 ? `${Math.max(0.01, s).toFixed(2)} s` : s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

export function RunEstimate({ estimate, totalMemory, refusal }: { estimate: Estimate | null; totalMemory: number; refusal: string | null }) {
  if (!estimate) return null;
  const b = estimate.bytes;
  return (
    <section aria-label="Estimate" className="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <h3 className="font-medium">Estimate</h3>
      <p data-testid="estimate-memory">
        Peak memory about <strong>{fmtBytes(b.total)}</strong> (weights and optimizer {fmtBytes(b.weights)}, activations {fmtBytes(b.activations)}, runtime{" "}
        {fmtBytes(b.runtime)}) of {fmtBytes(usableMemory(totalMemory))} this machine can spare.
      </p>
      <p data-testid="estimate-time">
        About <strong>{secs(estimate.stepSec)}</strong> per step ({estimate.basis}).
      </p>
      {refusal && (
        <p role="alert" className="mt-1 font-medium text-red-700 dark:text-red-400">
          {refusal}
        </p>
      )}
    </section>
  );
}
