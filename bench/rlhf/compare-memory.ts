// What each method of the comparison holds in memory, and the figure RLOO's target is judged on.
//
// Three figures per method: the child's peak RSS (everything: Node, onnxruntime, the sessions, the
// models); the part above the child's RSS before any model was loaded (what its training added);
// and the model state the method must hold by its definition (float32: a trained model's weights,
// gradient and AdamW's two moments, 16 B per parameter; a frozen one's weights, 4 B): PPO the
// policy, reference, reward model and a value model (initialised from the reward model, so its
// size); RLOO and GRPO the same without the value model; DPO a policy and its reference.
//
// The target (RLOO at <= 70 % of PPO's peak memory) is a claim about the method: dropping
// the value model "halves what PPO must hold". At the bench's size (a 0.37M-parameter policy, a
// 0.70M reward model) the value model's state is about 11 MB, while each child's runtime (Node,
// onnxruntime, a session's fixed costs, rollout buffers) is hundreds of MB and does not depend on
// the method; so the total ratio measures the runtime, and even the part above the start is mostly
// per-session overhead. Neither tests the claim there. The probe below does: one PPO and one RLOO
// iteration (the bench's PPO settings, one pass, a small rollout batch) on randomly initialised
// models large enough that they, not the process, hold the memory, each in its own child; the
// target is judged on its measured peak above the start, the median of `reps` runs of each method
// (a high-water mark is one sample of a noisy process). (Random weights change nothing in what is
// held; without the probe the bench-size figure above the start is judged, and said to be that.)

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gptConfig, initGPT, paramCount, prng, saveCheckpoint, saveRewardModel, type GPTConfig } from '../../ml/index';
import { runChild, type ChildJob, type ChildResult, type Method } from './compare-jobs';
import { tok } from './policy';
import type { BenchSettings } from './settings';

const BYTES_TRAINED = 16;
const BYTES_FROZEN = 4;

type Held = { model: 'policy' | 'reference' | 'reward' | 'value'; trained: boolean };

/** The models a method's training holds. */
export function heldModels(method: Method): Held[] {
  const policy: Held = { model: 'policy', trained: true };
  const ref: Held = { model: 'reference', trained: false };
  const rm: Held = { model: 'reward', trained: false };
  if (method === 'ppo') return [policy, ref, rm, { model: 'value', trained: true }];
  if (method === 'rloo' || method === 'grpo') return [policy, ref, rm];
  if (method === 'best-of-n') return [{ model: 'policy', trained: false }, rm];
  return [policy, ref];
}

/** Bytes of model state a method holds, from the policy's and the reward model's parameter counts (the value model is reward-model sized). */
export function modelStateBytes(method: Method, params: { policy: number; reward: number }): number {
  return heldModels(method).reduce(
    (sum, h) => sum + (h.model === 'reward' || h.model === 'value' ? params.reward : params.policy) * (h.trained ? BYTES_TRAINED : BYTES_FROZEN),
    0,
  );
}

export interface ProbeRun {
  peakRssMb: number;
  startRssMb: number;
  wallSec: number;
}

export interface MemoryProbe {
  policyParams: number;
  rewardParams: number;
  /** Each method's median run (by its peak above the start), the one the target is judged on. */
  ppo: ProbeRun;
  rloo: ProbeRun;
  /** Every run, in the order they ran (PPO and RLOO alternating). */
  runs: { ppo: ProbeRun[]; rloo: ProbeRun[] };
}

/**
 * The run whose peak above the start is the median (the lower middle of an even count). A process's
 * high-water mark moves from run to run with when the allocator and the garbage collector happen to
 * run: PPO's, at the probe's size, by ~50-100 MB in ~2 GB.
 */
export function medianRun(runs: readonly ProbeRun[]): ProbeRun {
  if (!runs.length) throw new Error('the memory probe has no runs');
  const sorted = [...runs].sort((a, b) => a.peakRssMb - a.startRssMb - (b.peakRssMb - b.startRssMb));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The probe's models: a policy of the probe's shape, a reward model `rm.extraLayers` deeper (as the bench's). */
export function probeConfigs(s: BenchSettings): { policy: GPTConfig; reward: GPTConfig } {
  const p = s.compare.memoryProbe;
  const policy = gptConfig('tiny', { ...s.model, nEmbd: p.nEmbd, nLayer: p.nLayer, nHead: p.nHead });
  return { policy, reward: { ...policy, nLayer: p.nLayer + s.rm.extraLayers } };
}

/** `reps` PPO and RLOO iterations (alternating) on the probe's models, each in its own child; the probe's folder is removed after. */
export async function memoryProbe(s: BenchSettings, dir: string, base: Omit<ChildJob, 'method' | 'dir' | 'sft' | 'rm'>): Promise<MemoryProbe> {
  const p = s.compare.memoryProbe;
  const c = probeConfigs(s);
  const probeDir = path.join(dir, 'memory-probe');
  mkdirSync(probeDir, { recursive: true });
  try {
    const sft = path.join(probeDir, 'policy');
    const rm = path.join(probeDir, 'reward');
    saveCheckpoint(sft, c.policy, initGPT(c.policy, s.seed + 11), { tokenizer: 'byte', bos: tok.bos, eos: tok.eos });
    const r = prng(s.seed + 12);
    const weight = Float32Array.from({ length: c.reward.nEmbd }, () => (r() - 0.5) * 0.02);
    saveRewardModel(
      rm,
      c.reward,
      initGPT(c.reward, s.seed + 13),
      { weight, bias: new Float32Array(1) },
      { shift: 0, scale: 1 },
      { tokenizer: 'byte', bos: tok.bos, eos: tok.eos },
    );
    const overrides = [
      ...base.overrides,
      'ppo.iterations=1',
      'ppo.ppoEpochs=1',
      `ppo.rolloutBatch=${p.rolloutBatch}`,
      `ppo.miniBatch=${Math.max(1, p.rolloutBatch / 2)}`,
    ];
    const run = async (method: 'ppo' | 'rloo'): Promise<ProbeRun> => {
      const res: ChildResult = await runChild({ ...base, method, dir: probeDir, sft, rm, overrides });
      return { peakRssMb: res.peakRssMb, startRssMb: res.startRssMb, wallSec: res.wallSec };
    };
    const runs: MemoryProbe['runs'] = { ppo: [], rloo: [] };
    for (let i = 0; i < Math.max(1, p.reps); i++) {
      runs.ppo.push(await run('ppo'));
      runs.rloo.push(await run('rloo'));
    }
    return { policyParams: paramCount(c.policy), rewardParams: paramCount(c.reward), ppo: medianRun(runs.ppo), rloo: medianRun(runs.rloo), runs };
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}
