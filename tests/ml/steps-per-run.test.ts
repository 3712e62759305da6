// The default number of optimizer steps per engine run: 8 for small models on the CPU (below 5M
// parameters) and on CUDA, 4 on the CPU up to 20M, one at a time on the CPU from the size that
// trains without the arena (a chain there held 7.92 GiB at GPT-2 124M where one step per run held 5.02).
import { describe, expect, it } from 'vitest';
import { gptConfig, paramCount } from '../../ml/model/config';
import { TRAINING_ARENA_MAX_PARAMS } from '../../ml/model/estimate';
import { CHAIN_8_MAX_PARAMS, stepsPerRunFor } from '../../ml/train/steps-per-run';

describe('stepsPerRunFor', () => {
  it('chains 8 steps below 5M parameters on the CPU, 4 up to the no-arena size and 1 from there', () => {
    expect(stepsPerRunFor('cpu', paramCount(gptConfig('small')))).toBe(8);
    expect(stepsPerRunFor('cpu', CHAIN_8_MAX_PARAMS - 1)).toBe(8);
    expect(stepsPerRunFor('cpu', CHAIN_8_MAX_PARAMS)).toBe(4);
    expect(stepsPerRunFor('cpu', TRAINING_ARENA_MAX_PARAMS - 1)).toBe(4);
    expect(stepsPerRunFor('cpu', TRAINING_ARENA_MAX_PARAMS)).toBe(1);
    expect(stepsPerRunFor('cpu', paramCount(gptConfig('gpt2')))).toBe(1);
  });

  it('chains 8 on CUDA at any size', () => {
    expect(stepsPerRunFor('cuda', paramCount(gptConfig('gpt2')))).toBe(8);
    expect(stepsPerRunFor('cuda:1', 1000)).toBe(8);
  });
});
