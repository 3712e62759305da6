// The one emitter the RLHF trainers (reward model, PPO/RLOO/GRPO, DPO) send their progress events
// through: the time left from the pace so far, copy time and cost on step events only, the folder
// on save events, NaN for the data and samples events.
import { describe, expect, it } from 'vitest';
import { progressEmitter, type RLProgress } from '../../ml/rlhf/progress';

describe('progressEmitter', () => {
  it('paces step, eval, save and done events from where the run started', async () => {
    const seen: RLProgress[] = [];
    const events = progressEmitter((p) => seen.push(p), 10, 20); // resumed at step 10 of 20
    events.paced('eval', 10, { val_loss: 1 }, { copyMs: 3 });
    await new Promise((r) => setTimeout(r, 20));
    events.paced('step', 12, { loss: 0.5 }, { copyMs: 3, cost: { iterSec: 1, peakRssMb: 100 } });
    events.paced('save', 12, {}, { checkpoint: '/tmp/out', copyMs: 3 });
    events.paced('step', 13, { loss: 0.4 }, { copyMs: NaN });

    const [evalEvent, step, save, later] = seen;
    expect(evalEvent).toEqual({ event: 'eval', step: 10, steps: 20, metrics: { val_loss: 1 }, etaSec: NaN });
    expect(step).toMatchObject({ event: 'step', step: 12, steps: 20, metrics: { loss: 0.5 }, copyMs: 3, cost: { iterSec: 1, peakRssMb: 100 } });
    // two steps done, eight left: four times the time so far
    expect(step!.etaSec).toBeGreaterThan(0.019 * 4);
    expect(save).toMatchObject({ event: 'save', checkpoint: '/tmp/out' });
    expect(save).not.toHaveProperty('copyMs');
    expect(later).not.toHaveProperty('copyMs'); // not measured yet
    expect(later).not.toHaveProperty('checkpoint');
  });

  it('sends data and samples events unpaced', () => {
    const seen: RLProgress[] = [];
    const events = progressEmitter((p) => seen.push(p), 0, 5);
    events.unpaced(0, { event: 'data', metrics: { dropped: 0 }, line: 'all kept' });
    events.unpaced(3, { event: 'samples', metrics: {}, samples: [] });
    expect(seen).toEqual([
      { event: 'data', metrics: { dropped: 0 }, line: 'all kept', step: 0, steps: 5, etaSec: NaN },
      { event: 'samples', metrics: {}, samples: [], step: 3, steps: 5, etaSec: NaN },
    ]);
  });
});
