import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../ml/index';
import type { OpType } from '../../ml/graph/op-types';
import { GRAD_CASES } from './grad-cases';
import { gradCheck } from './helpers';

const TOLERANCE = 1e-6;
/** Float32-only ops (GradCase.only): the analytic gradient carries float32 rounding (~1e-7 per product term). */
const TOLERANCE_F32 = 1e-5;
const worst = new Map<string, number>();

describe('gradient rules vs central finite differences (float64)', () => {
  it('has a case for every rule in the table', () => {
    const withGrad = (Object.keys(RULES) as OpType[]).filter((op) => RULES[op].grad);
    const covered = new Set(GRAD_CASES.map((c) => c.rule));
    expect(withGrad.filter((op) => !covered.has(op))).toEqual([]);
  });

  for (const c of GRAD_CASES) {
    it(`${c.rule}: ${c.name}`, async () => {
      const err = await gradCheck(c);
      worst.set(c.rule, Math.max(worst.get(c.rule) ?? 0, err));
      expect(err).toBeLessThan(c.only === 'float32' ? TOLERANCE_F32 : TOLERANCE);
    });
  }

  afterAll(() => {
    const rows = [...worst].map(([rule, err]) => `  ${rule.padEnd(20)} ${err.toExponential(2)}`);
    console.log(`max relative gradient error per rule (|a − n| / max(|a|, |n|, 1e-3)):\n${rows.join('\n')}`);
  });
});
