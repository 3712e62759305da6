// The default number of optimizer steps per engine run: chained for small models on the CPU and on
// CUDA, one at a time on the CPU from the size that trains without the arena (a chain there held
// 7.92 GiB at GPT-2 124M where one step per run held 5.02).
import { describe, expect, it } from 'vitest';
import { gptConfig, paramCount } from '../../ml/model/config';
import { TRAINING_ARENA_MAX_PARAMS } from '../../ml/model/estimate';
import { stepsPerRunFor } from '../../ml/train/steps-per-run';

describe('stepsPerRunFor', () => {
  it('chains 4 steps for small models on the CPU and 1 from the no-arena size', () => {
    expect(stepsPerRunFor('cpu', paramCount(gptConfig('small')))).toBe(4);
    expect(stepsPerRunFor('cpu', TRAINING_ARENA_MAX_PARAMS - 1)).toBe(4);
    expect(stepsPerRunFor('cpu', TRAINING_ARENA_MAX_PARAMS)).toBe(1);
    expect(stepsPerRunFor('cpu', paramCount(gptConfig('gpt2')))).toBe(1);
  });

  it('chains 8 on CUDA at any size', () => {
    expect(stepsPerRunFor('cuda', paramCount(gptConfig('gpt2')))).toBe(8);
    expect(stepsPerRunFor('cuda:1', 1000)).toBe(8);
  });
});
