// The device setting: parsing, the one-sentence refusals, and the proof that it reaches every
// onnxruntime session the trainers and generators create (through the session trace seam, with
// CUDA stood in by the CPU so the whole CUDA path runs here).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CUDA_MISSING,
  Graph,
  ORT_DIR,
  ORT_VERSION,
  Session,
  checkDevice,
  parseDevice,
  resolveTrainConfig,
  runtimeFor,
  trainLM,
  trainPPO,
  trainRewardModel,
  RewardScorer,
  type DeviceProbe,
} from '../../ml/index';
import { CUDA_LIBS_MISSING, libraryVersion, visibleGpuCount } from '../../ml/runtime/device';
import { nativeDir as nativeDirFor } from '../../ml/runtime/ort';
import { randomPolicy, TINY, writePrompts } from './ppo-fixtures';
import { Policy } from '../../lib/generation/policy';

const dir = mkdtempSync(path.join(tmpdir(), 'device-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = (o: Partial<DeviceProbe> = {}): DeviceProbe => ({
  providerPath: () => '/x/libonnxruntime_providers_cuda.so',
  providerVersion: () => '1.30.0',
  coreVersion: '1.30.0',
  gpuCount: () => 2,
  ...o,
});

describe('the device setting', () => {
  it('parses cpu, cuda and cuda:N, and refuses anything else in one sentence', () => {
    expect(parseDevice('cpu')).toEqual({ provider: 'cpu', deviceId: 0 });
    expect(parseDevice('cuda')).toEqual({ provider: 'cuda', deviceId: 0 });
    expect(parseDevice('CUDA:3')).toEqual({ provider: 'cuda', deviceId: 3 });
    for (const bad of ['gpu', 'cuda:', 'cuda:-1', 'cuda:x', 'rocm', ''])
      expect(() => parseDevice(bad)).toThrow(`Unknown device "${bad}": use "cpu", "cuda" or "cuda:N" with N the GPU number.`);
    expect(() => resolveTrainConfig({ data: ['x'], device: 'gpu' })).toThrow('training config: device must be "cpu", "cuda" or "cuda:N", got "gpu"');
    expect(runtimeFor('cuda:1', 3)).toEqual({ provider: 'cuda', deviceId: 1, intraOpThreads: 3 });
  });

  it('refuses missing provider files, a provider of another version and a GPU number the machine lacks', () => {
    const cuda = (deviceId: number) => ({ provider: 'cuda' as const, deviceId });
    expect(() => checkDevice(cuda(0), probe({ providerPath: () => null }))).toThrow(CUDA_MISSING);
    expect(() => checkDevice(cuda(0), probe({ providerVersion: () => '1.29.0' }))).toThrow(
      'The CUDA provider library /x/libonnxruntime_providers_cuda.so is onnxruntime 1.29.0 but the core library is 1.30.0; a provider only loads into its own version, so run `npm run gpu:setup` to install the pinned pair.',
    );
    expect(() => checkDevice(cuda(2), probe())).toThrow('There is no CUDA device 2: this machine has 2 GPUs (cuda:0..cuda:1).');
    expect(() => checkDevice(cuda(0), probe({ gpuCount: () => 0 }))).toThrow('shows no NVIDIA GPU');
    expect(() => checkDevice(cuda(1), probe())).not.toThrow();
    expect(() => checkDevice({ provider: 'cpu', deviceId: 0 }, probe({ providerPath: () => null }))).not.toThrow();
  });

  it('reads the onnxruntime version compiled into a library, and counts the GPUs this process may use', () => {
    expect(libraryVersion(path.join(nativeDirFor(ORT_DIR), 'libonnxruntime.so.1'))).toBe(ORT_VERSION);
    const fake = path.join(dir, 'lib.so');
    writeFileSync(fake, Buffer.concat([Buffer.alloc(9 << 20, 7), Buffer.from('\0' + '1.29.0' + '\0'), Buffer.alloc(100)])); // past the first chunk
    expect(libraryVersion(fake)).toBe('1.29.0');
    writeFileSync(fake, 'no version here');
    expect(libraryVersion(fake)).toBeNull();
    expect(visibleGpuCount({}, path.join(dir, 'none'))).toBeNull();
    expect(visibleGpuCount({ CUDA_VISIBLE_DEVICES: '0,1' }, path.join(dir, 'none'))).toBe(2);
    expect(visibleGpuCount({ CUDA_VISIBLE_DEVICES: '' }, path.join(dir, 'none'))).toBe(0);
  });

  // without `npm run gpu:setup`: the provider files are missing; after it, on this GPU-less machine, the CUDA libraries are
  const installed = existsSync(path.join(nativeDirFor(ORT_DIR), 'libonnxruntime_providers_cuda.so'));
  const sentence = installed ? CUDA_LIBS_MISSING : CUDA_MISSING;

  it('a cuda request on a machine without the provider (or its CUDA libraries) fails with one sentence, in a session and in a trainer', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    await expect(Session.create(g.toModel({ outputs: { y: g.relu(x) } }), { provider: 'cuda' })).rejects.toThrow(sentence);
    const data = path.join(dir, 'text.txt');
    writeFileSync(data, 'hello world '.repeat(200));
    await expect(trainLM({ model: 'tiny', data: [data], out: path.join(dir, 'lm-missing'), steps: 1, device: 'cuda', worker: false })).rejects.toThrow(
      sentence,
    );
  });
});

describe('the device reaches every session', () => {
  const trace = path.join(dir, 'sessions.jsonl');
  const saved = { trace: process.env.ML_SESSION_TRACE, standIn: process.env.ML_CUDA_STANDIN };
  afterEach(() => {
    process.env.ML_SESSION_TRACE = saved.trace;
    process.env.ML_CUDA_STANDIN = saved.standIn;
    if (saved.trace === undefined) delete process.env.ML_SESSION_TRACE;
    if (saved.standIn === undefined) delete process.env.ML_CUDA_STANDIN;
  });

  it('SFT, reward model, PPO (rollout, scorer), answer generation and the reward scorer all create cuda:1 sessions', async () => {
    process.env.ML_SESSION_TRACE = trace;
    process.env.ML_CUDA_STANDIN = 'cpu';
    const lines = () =>
      readFileSync(trace, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { thread: number; executionProviders: unknown[] });
    const seen: Record<string, number> = {};
    const mark = (what: string) => (seen[what] = lines().length);
    writeFileSync(trace, '');

    const device = 'cuda:1';
    const init = randomPolicy(path.join(dir, 'init'), TINY);
    const sft = path.join(dir, 'sft.jsonl');
    writeFileSync(sft, Array.from({ length: 16 }, (_, i) => JSON.stringify({ prompt: `w${i}`, response: 'abc' })).join('\n'));
    await trainLM({ mode: 'sft', init, data: [sft], out: path.join(dir, 'sft'), steps: 5, batchSize: 4, evalEvery: 0, valFraction: 0, threads: 1, device }); // worker thread
    mark('sft');
    const rankings = path.join(dir, 'rankings.jsonl');
    writeFileSync(rankings, Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: `w${i}`, responses: ['a!', 'b'], tiers: [[0], [1]] })).join('\n'));
    const rm = path.join(dir, 'rm');
    await trainRewardModel({ init, data: [rankings], out: rm, epochs: 1, batchSize: 4, valFraction: 0, threads: 1, device });
    mark('rm');
    await trainPPO({
      policy: init,
      reward: rm,
      prompts: [writePrompts(path.join(dir, 'prompts.jsonl'), 4)],
      out: path.join(dir, 'ppo'),
      iterations: 1,
      rolloutBatch: 4,
      miniBatch: 4,
      ppoEpochs: 1,
      maxNewTokens: 4,
      threads: 1,
      device,
    });
    mark('ppo');
    const policy = Policy.load(path.join(dir, 'sft'), 1, device);
    await policy.sample([{ role: 'user', content: 'hi' }], 2, { temperature: 1, topP: 1, topK: 0, maxNewTokens: 3, seed: 1 });
    await policy.dispose();
    mark('generate');
    const scorer = await RewardScorer.load(rm, runtimeFor(device, 1), { worker: true });
    expect(await scorer.score([[1, 2, 3]])).toHaveLength(1);
    await scorer.dispose();
    mark('score');

    const all = lines();
    expect(all.length).toBe(seen.score);
    // every trainer and generator created sessions, some of them in worker threads
    const made = { sft: seen.sft, rm: seen.rm - seen.sft, ppo: seen.ppo - seen.rm, generate: seen.generate - seen.ppo, score: seen.score - seen.generate };
    for (const [what, n] of Object.entries(made)) expect(n, what).toBeGreaterThan(0);
    expect(all.some((l) => l.thread !== 0)).toBe(true);
    for (const l of all) expect(l.executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }, 'cpu']);
  }, 240_000);
});
