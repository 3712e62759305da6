// Sizes of every stage of the RLHF benchmark, full and --quick. Designed for two CPU cores:
// a byte-level GPT of ~0.3M parameters, a full run well under 15 minutes.

import type { GPTConfig } from '../../ml/index';

export interface BenchSettings {
  seed: number;
  quick: boolean;
  model: Partial<GPTConfig>;
  pretrain: { notes: number; errorRate: number; steps: number; batchSize: number; seqLen: number; maxLr: number };
  sft: { demos: number; styleRate: number; steps: number; batchSize: number; seqLen: number; maxLr: number };
  /**
   * Prompts ranked by the labelers, for training and held out: K = temperatures.length SFT samples
   * each, one per temperature (a hotter sample widens what the reward model sees, as InstructGPT's
   * comparisons came from several policies and sampling settings).
   */
  label: { train: number; val: number; temperatures: number[]; labelers: number; maxNewTokens: number };
  /**
   * The reward model: the SFT model plus `extraLayers` fresh blocks (larger than the policy, as
   * InstructGPT's 6B RM for a 175B policy was not), preference-model pretrained on `pmp.notes`
   * web notes against `pmp.rivals` blind edits each (preference-pretraining.ts), then trained
   * on the rankings.
   */
  rm: { epochs: number; batchSize: number; maxLr: number; extraLayers: number; pmp: { notes: number; rivals: number; epochs: number; maxLr: number } };
  /** beta: the KL coefficient of the main PPO run and PPO-ptx (one of betas). */
  ppo: {
    prompts: number;
    iterations: number;
    rolloutBatch: number;
    miniBatch: number;
    ppoEpochs: number;
    lr: number;
    betas: number[];
    beta: number;
    ptxCoef: number;
  };
  /**
   * `--compare` (compare.ts): the group-baseline runs use the PPO settings above (β = ppo.beta, no
   * ptx) with k answers per prompt; best-of-N samples n answers per held-out prompt from SFT; DPO
   * trains on the labelers' rankings (RM training and validation files), by whole rankings
   * (batchSize rankings per step, `epochs` passes) or by pairs of the same rankings at the same
   * compute (compare-dpo.ts: as many optimizer steps, as many answers through the model per step).
   * memoryProbe: one PPO and one RLOO iteration on randomly initialised models of this width and
   * depth (the reward and value models `rm.extraLayers` deeper), where the models, not the process,
   * hold the memory (compare-memory.ts), `reps` times each, judged on the median; nLayer 0 skips it.
   */
  compare: {
    groupSize: number;
    /** The learning rate of the group-baseline runs (PPO's settings otherwise). */
    groupLr: { rloo: number; grpo: number };
    bestOfN: number;
    dpo: {
      beta: number;
      maxLr: number;
      epochs: number;
      batchSize: number;
      /** Whole rankings only (pairs, as TRL reads them, have neither): tie terms, and the tier distance as a margin. */
      includeTies: boolean;
      margin: boolean;
    };
    memoryProbe: { nEmbd: number; nLayer: number; nHead: number; rolloutBatch: number; reps: number };
    /** Samples per policy per held-out prompt (each judged against an SFT sample of its own). */
    evalSamples: number;
  };
  /** Held-out prompts for the win rates (one sample per policy per prompt). */
  evalPrompts: number;
  temperature: number;
  maxNewTokens: number;
}

export function benchSettings(seed: number, quick: boolean): BenchSettings {
  const q = <T>(full: T, small: T): T => (quick ? small : full);
  return {
    seed,
    quick,
    model: { vocabSize: 262, nCtx: 64, nEmbd: 96, nLayer: 3, nHead: 4 },
    pretrain: { notes: q(40000, 8000), errorRate: 0.15, steps: q(2000, 300), batchSize: 16, seqLen: 64, maxLr: 2e-3 },
    sft: { demos: 300, styleRate: 0.3, steps: q(250, 100), batchSize: 16, seqLen: 32, maxLr: 1e-3 },
    label: { train: q(5000, 300), val: q(200, 50), temperatures: [1, 1, 1, 1.5], labelers: 8, maxNewTokens: 16 },
    // Tuned with `--dev rm` (validation rankings only, never the evaluation prompts), ratio of the RM's accuracy to the
    // noise ceiling, seeds 2 / 3. Before: 3,000 preference-model-pretraining notes, 2,500 rankings, 4 epochs: 0.869 / 0.846
    // (1 epoch: 0.809 / 0.821); the RM missed correctness pairs (0.80, where labelers agree with the oracle 1.00) far
    // more than style (0.95). What it lacked was knowing the right answer, and more data taught it: 12,000 PMP notes
    // 0.906 / 0.891 (correctness 0.87); then 6 epochs 0.896 / 0.881, 2 epochs 0.864 (validation accuracy peaks mid-run:
    // the RM overfits 2,500 rankings); 5,000 rankings at 2 epochs (the same optimizer steps as 2,500 at 4) 0.914 / 0.930.
    // PMP costs ~240 s CPU per seed at 12,000 notes, the RM ~220 s.
    // The three-seed run with those settings (3 extra layers): 0.911 / 0.854 / 0.912, seed 2 again short on correctness
    // (0.735). More PMP helped little there (24,000 notes: 0.871-0.890; 2 PMP epochs 0.877); depth did: 5 extra layers
    // 0.917 (correctness 0.867), 7 extra 0.916; with 5 on seeds 1 and 3: 0.910 / 0.935. `--dev ppo` against the 5-layer RM
    // (RM-validation prompts): 72.6 / 70.9 / 71.5 % at KL 1.5-1.8.
    rm: { epochs: q(2, 1), batchSize: 8, maxLr: 3e-4, extraLayers: 5, pmp: { notes: q(12000, 600), rivals: 3, epochs: 1, maxLr: 1e-3 } },
    ppo: {
      prompts: q(1000, 300),
      // `--dev ppo` against the 5-layer RM, seeds 1 / 2 / 3: 30 iterations 72.6 / 70.9 / 71.5 %, 38: 71.1 / 73.4 / 72.1 %,
      // 45: 68.8 / 75.0 / 74.4 % (seed 1 trades correctness for style: 56 -> 48 % correct)
      iterations: q(38, 6),
      rolloutBatch: 64,
      miniBatch: 16,
      ppoEpochs: 4,
      lr: q(3e-5, 5e-5),
      betas: [0, 0.02, 0.1],
      beta: 0.1,
      ptxCoef: 1,
    },
    // DPO tuned on --quick seed 1 against the oracle on the PPO prompts (a dev set: DPO never trains on them, and they
    // are not the held-out evaluation prompts), whole rankings: β 0.1 lr 5e-4 won 60.7% at KL 56 nats (degenerate
    // answers), lr 2e-4 53.5% (KL 60), lr 1e-4 x 4 epochs 57.0% (KL 47), lr 5e-5 52.0% (KL 0.4); β 0.5 lr 2e-4 69.2%
    // (KL 1.8), β 0.5 lr 5e-4 53.3% (KL 37). A larger β saturates the loss before the policy leaves the reference.
    // At full size (5,000 rankings x 2 passes, ~1,100-1,200 steps) lr 2e-4 collapsed on seed 3 (whole rankings 37.6% at KL
    // 21.5, pairs 25.8% at KL 50.9; one pass: 47.5% at KL 9.4) and won 63.2 / 68.9% on seeds 1 / 2; lr 5e-5 on seed 3:
    // 70.9% at KL 0.98 (pairs 70.5%), correctness 76% against SFT's 68%.
    compare: {
      groupSize: 4,
      // RLOO's own learning rate, tuned with `--dev rloo` (RM-validation prompts, win vs SFT, seeds 1 / 2 / 3; PPO's
      // 71.1 / 73.4 / 72.1 %): 3e-5 (PPO's) 68.6 / 69.6 / 66.9 % at KL 1.9-2.2, 2.5e-5 71.9 / 68.8 / 73.8 % (KL 1.8-1.9),
      // 2e-5 67.1 / 71.6 / 71.4 % (KL 1.4-1.6), 1.5e-5 on seed 2 67.5 %. With one answer's advantage on every one of its
      // tokens and no whitening, the same rate moves the policy further than PPO's.
      groupLr: { rloo: q(2.5e-5, 5e-5), grpo: q(3e-5, 5e-5) },
      bestOfN: 16,
      dpo: { beta: 0.5, maxLr: q(5e-5, 2e-4), epochs: 2, batchSize: 8, includeTies: false, margin: false },
      // a 10.8M-parameter policy, 16.1M-parameter reward and value models (the bench's: 0.37M and 0.70M). --quick seed 1,
      // load 22-27: at 256 wide (4.8M, 7.2M) RLOO/PPO above start was 0.700 (330/471 MB) with ~200 MB of each child not
      // model state, as much as the models; at 384 wide 0.630 (644/1022 MB), total 0.664, model state 0.521. Full runs at
      // 384 x 6 then gave 0.707 / 0.803 / 0.789, and three repeats on one seed 0.704 / 0.706 / 0.669: RLOO's peak steady
      // (600-605 MB above the start), PPO's at 857 or 904 MB. Traced by phase (RSS at each step of one iteration), what is
      // not model state is transient, in the rollout and the training step, and scales with the policy: ~320 MB at 384 x 6,
      // ~680 MB at 512 x 8 (rm.extraLayers 5: 25.3M policy, 41.1M reward), where RLOO/PPO was 0.662 / 0.686 / 0.690.
      // and with three runs of each the median was still a coin toss: PPO's peak is ~1,965 or ~2,650 MB above the start,
      // RLOO's ~1,355 or ~1,700 (2026-12-05; the same with one malloc arena), so five of each are judged.
      memoryProbe: { nEmbd: 512, nLayer: 8, nHead: 4, rolloutBatch: 16, reps: q(5, 1) },
      // One sample per held-out prompt gave win rates with a standard error of ~2.3 points, ~3.2 for the difference of
      // two methods: RLOO's 5-point margin to PPO was 1.6 of them (RLOO 72.0 / 68.3 / 73.0 % vs PPO 71.4 / 74.8 / 72.0 %
      // on seeds 1 / 2 / 3 with one). Four samples per prompt halved the errors for ~40 s more per seed; eight, for the
      // whole-vs-pairs bound (compare-targets.ts), bring the difference's error per seed to about a point.
      evalSamples: q(8, 1),
    },
    evalPrompts: q(400, 100),
    temperature: 1,
    maxNewTokens: 16,
  };
}

/**
 * Applies `--set path=value` overrides (e.g. `rm.epochs=3`, `label.temperatures=[1,1.5]`): the path must name an
 * existing setting and the value must parse as JSON of the same type; anything else is one clear sentence.
 */
export function withOverrides(s: BenchSettings, sets: string[]): BenchSettings {
  for (const set of sets) {
    const eq = set.indexOf('=');
    const keys = set.slice(0, Math.max(eq, 0)).split('.');
    let holder: Record<string, unknown> = s as unknown as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) holder = (holder?.[k] ?? undefined) as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (eq < 1 || typeof holder !== 'object' || !(last in holder))
      throw new Error(`--set takes path=value naming a setting of bench/rlhf/settings.ts (e.g. rm.epochs=3), got "${set}"`);
    let value: unknown;
    try {
      value = JSON.parse(set.slice(eq + 1));
    } catch {
      value = undefined;
    }
    if (typeof value !== typeof holder[last] || Array.isArray(value) !== Array.isArray(holder[last]))
      throw new Error(`--set ${keys.join('.')} needs a value like ${JSON.stringify(holder[last])}, got "${set.slice(eq + 1)}"`);
    holder[last] = value;
  }
  return s;
}
