// The GPU check (run by scripts/gpu-check.sh; bundled into .gpu/stage/check.mjs by gpu-stage.sh):
// one SFT step, one reward-model step and one PPO iteration at the chosen shape (GPT-2 124M by
// default), on the device under test and on the CPU from the same state; the CUDA and CPU losses
// must agree within 1e-3 (relative). Prints ONE JSON line: step times, generation tokens/s, the
// host↔device copy time per run, the ops onnxruntime left on the CPU provider, "pass".
//
//   --device cuda   the real check: CUDA against the CPU
//   --device cpu    the rehearsal: the whole CUDA path with its sessions stood in by the CPU
//                   (ML_CUDA_STANDIN=cpu), so the script is known to run before a GPU is lent
//   --shape gpt2 | tiny    --dir <work folder>    --threads <CPU threads>
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import {
  Generator,
  gptConfig,
  initGPT,
  loadCheckpoint,
  ORT_DIR,
  ORT_VERSION,
  prng,
  runtimeFor,
  saveCheckpoint,
  Session,
  trainLM,
  trainPPO,
  trainRewardModel,
  Graph,
} from "../ml/index";
import { fallbackOps, parsePlacements } from "../ml/runtime/placement";

type Args = { phase: string; device: string; shape: "gpt2" | "tiny"; dir: string; threads: number };
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const args: Args = {
  phase: arg("phase", "main"),
  device: arg("device", "cuda"),
  shape: arg("shape", "gpt2") === "tiny" ? "tiny" : "gpt2",
  dir: path.resolve(arg("dir", path.join(os.tmpdir(), "gpu-check"))),
  threads: Number(arg("threads", String(Math.min(16, os.availableParallelism())))),
};
const SIZES = {
  gpt2: { model: gptConfig("gpt2"), batch: 4, seq: 128, rollouts: 4, newTokens: 16, genPrompts: 4, genNew: 32 },
  tiny: { model: gptConfig("tiny", { vocabSize: 262, nCtx: 64 }), batch: 2, seq: 32, rollouts: 2, newTokens: 4, genPrompts: 2, genNew: 8 },
}[args.shape];
const TOLERANCE = 1e-3;

type PhaseResult = {
  device: string;
  provider_loaded: boolean;
  sft_loss: number[];
  sft_step_ms: number;
  rm_loss: number[];
  rm_step_ms: number;
  ppo: Record<string, number>;
  ppo_iter_ms: number;
  gen_tokens_per_s: number;
  copy_ms_per_run: { sft?: number; rm?: number; ppo?: number };
};

/** Runs SFT, the reward model, PPO and generation on one device, from the shared state in dir. */
async function phase(device: string): Promise<PhaseResult> {
  const rt = runtimeFor(device, args.threads);
  const g = new Graph();
  const x = g.input("x", "float32", [4]);
  const probe = await Session.create(g.toModel({ outputs: { y: g.relu(x) } }), rt);
  const y = (await probe.run({ x: Float32Array.of(-1, 0, 1, 2) })).y;
  await probe.dispose();
  const provider_loaded = Array.from(y as Float32Array).join(",") === "0,0,1,2";

  const init = path.join(args.dir, "init");
  const out = (k: string) => path.join(args.dir, `${device.replace(":", "")}-${k}`);
  const common = { threads: args.threads, device, worker: false, seed: 1 };
  const stepTimes = (times: number[]) => (times.length >= 2 ? times[1] - times[0] : NaN);

  const sft: { loss: number[]; t: number[]; copy?: number } = { loss: [], t: [] };
  await trainLM(
    {
      mode: "sft",
      init,
      data: [path.join(args.dir, "sft.jsonl")],
      out: out("sft"),
      steps: 2,
      stepsPerRun: 1,
      batchSize: SIZES.batch,
      seqLen: SIZES.seq,
      warmupSteps: 0,
      maxLr: 1e-4,
      evalEvery: 0,
      saveEvery: 0,
      valFraction: 0,
      maxOverlongShare: 1,
      ...common,
    },
    { onProgress: (p) => p.event === "step" && (sft.loss.push(p.loss), sft.t.push(performance.now()), (sft.copy ??= p.copyMs)) },
  );
  const rm: { loss: number[]; t: number[]; copy?: number } = { loss: [], t: [] };
  await trainRewardModel(
    {
      init,
      data: [path.join(args.dir, "rankings.jsonl")],
      out: out("rm"),
      epochs: 1,
      batchSize: SIZES.batch,
      seqLen: SIZES.seq,
      warmupSteps: 0,
      maxLr: 1e-5,
      valFraction: 0,
      overlong: "truncate",
      maxOverlongShare: 1,
      ...common,
    },
    { onProgress: (p) => p.event === "step" && (rm.loss.push(p.metrics.loss), rm.t.push(performance.now()), (rm.copy ??= p.copyMs)) },
  );
  const ppo: { m: Record<string, number>[]; t: number[]; copy?: number } = { m: [], t: [] };
  await trainPPO(
    {
      policy: init,
      prompts: [path.join(args.dir, "prompts.jsonl")],
      out: out("ppo"),
      iterations: 2,
      rolloutBatch: SIZES.rollouts,
      miniBatch: SIZES.rollouts,
      ppoEpochs: 1,
      maxNewTokens: SIZES.newTokens,
      valueInit: "policy",
      ...common,
    },
    {
      reward: async (samples) => samples.map((s) => s.response.filter((t) => t === 97).length),
      onProgress: (p) => p.event === "step" && (ppo.m.push(p.metrics), ppo.t.push(performance.now()), (ppo.copy ??= p.copyMs)),
    },
  );
  const ck = loadCheckpoint(init);
  const gen = await Generator.create(ck.config, ck.params, rt);
  const prompts = Array.from({ length: SIZES.genPrompts }, (_, i) => Array.from({ length: 16 }, (_, j) => 97 + ((i + j) % 26)));
  await gen.generate(prompts, { maxNewTokens: 2, seed: 1 }); // warm-up
  const t0 = performance.now();
  const g2 = await gen.generate(prompts, { maxNewTokens: SIZES.genNew, seed: 1, temperature: 1 });
  const genSecs = (performance.now() - t0) / 1000;
  await gen.dispose();
  return {
    device,
    provider_loaded,
    sft_loss: sft.loss,
    sft_step_ms: stepTimes(sft.t),
    rm_loss: rm.loss,
    rm_step_ms: stepTimes(rm.t),
    ppo: ppo.m[0] ?? {},
    ppo_iter_ms: stepTimes(ppo.t),
    gen_tokens_per_s: g2.tokens.reduce((a, r) => a + r.length, 0) / genSecs,
    copy_ms_per_run: { sft: sft.copy, rm: rm.copy, ppo: ppo.copy },
  };
}

/** The shared starting state: a seeded model at the shape, and small SFT, ranking and prompt files. */
function prepare(): void {
  fs.mkdirSync(args.dir, { recursive: true });
  const init = path.join(args.dir, "init");
  if (!fs.existsSync(path.join(init, "config.json"))) saveCheckpoint(init, SIZES.model, initGPT(SIZES.model, 1337), { tokenizer: "byte" });
  const r = prng(5);
  const words = (n: number) =>
    Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(r() * 6) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join("")).join(" ");
  const lines = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => JSON.stringify(f(i))).join("\n");
  const n = SIZES.batch * 2;
  fs.writeFileSync(
    path.join(args.dir, "sft.jsonl"),
    lines(n * 2, (i) => ({ prompt: `q${i} ${words(4)}`, response: words(SIZES.seq / 4) })),
  );
  fs.writeFileSync(
    path.join(args.dir, "rankings.jsonl"),
    lines(n, (i) => ({ prompt: `q${i}`, responses: [words(6) + "!", words(6)], tiers: [[0], [1]] })),
  );
  fs.writeFileSync(
    path.join(args.dir, "prompts.jsonl"),
    lines(n, (i) => ({ prompt: `w${i}` })),
  );
}

/** Runs one phase in a child process (its stderr, onnxruntime's log, into a file). */
function child(name: string, device: string, env: Record<string, string>): Promise<PhaseResult> {
  const log = path.join(args.dir, `${name}.log`);
  const err = fs.openSync(log, "w");
  const p = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1], "--phase", name, "--device", device, "--shape", args.shape, "--dir", args.dir, "--threads", String(args.threads)],
    {
      stdio: ["ignore", "pipe", err],
      env: { ...process.env, ...env },
    },
  );
  let stdout = "";
  p.stdout?.on("data", (d) => (stdout += d));
  return new Promise((resolve, reject) =>
    p.on("exit", (code) => {
      fs.closeSync(err);
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as PhaseResult);
      else reject(new Error(`${name} phase exited with ${code}: ${tail(log)}`));
    }),
  );
}

const tail = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.includes("[V:onnxruntime") && !l.includes("[I:onnxruntime"))
    .slice(-3)
    .join(" | ")
    .slice(0, 600);

const roundAll = (o: Record<string, number | undefined>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 2)]));
/** The placement lines of onnxruntime's verbose log, read as a stream (the whole log is large at GPT-2 size). */
async function placementLines(file: string): Promise<string> {
  const keep: string[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) if (line.includes("VerifyEachNodeIsAssignedToAnEp")) keep.push(line);
  return keep.join("\n");
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const round = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(d)));

async function main(): Promise<void> {
  const t0 = performance.now();
  const rehearsal = args.device === "cpu";
  const report: Record<string, unknown> = {
    check: "gpu",
    mode: rehearsal ? "rehearsal (cuda stood in by the cpu)" : "cuda",
    shape: args.shape,
    ort: ORT_VERSION,
    ort_dir: ORT_DIR,
    threads: args.threads,
  };
  try {
    prepare();
    const dutDevice = "cuda:0";
    const dut = await child("dut", dutDevice, { ML_ORT_VERBOSE: "1", ...(rehearsal ? { ML_CUDA_STANDIN: "cpu" } : {}) });
    const ref = await child("ref", "cpu", {});
    const diffs: Record<string, number> = {};
    dut.sft_loss.forEach((l, i) => (diffs[`sft_loss_${i + 1}`] = rel(l, ref.sft_loss[i])));
    dut.rm_loss.forEach((l, i) => (diffs[`rm_loss_${i + 1}`] = rel(l, ref.rm_loss[i])));
    for (const k of ["entropy", "value_loss"]) if (k in ref.ppo) diffs[`ppo_${k}`] = rel(dut.ppo[k], ref.ppo[k]);
    const maxDiff = Math.max(...Object.values(diffs));
    const fallback = fallbackOps(parsePlacements(await placementLines(path.join(args.dir, "dut.log"))));
    Object.assign(report, {
      provider_loaded: dut.provider_loaded,
      step_ms: {
        sft: { [dutDevice]: round(dut.sft_step_ms, 1), cpu: round(ref.sft_step_ms, 1) },
        reward_model: { [dutDevice]: round(dut.rm_step_ms, 1), cpu: round(ref.rm_step_ms, 1) },
        ppo_iteration: { [dutDevice]: round(dut.ppo_iter_ms, 1), cpu: round(ref.ppo_iter_ms, 1) },
      },
      gen_tokens_per_s: { [dutDevice]: round(dut.gen_tokens_per_s, 1), cpu: round(ref.gen_tokens_per_s, 1) },
      copy_ms_per_run: { [dutDevice]: roundAll(dut.copy_ms_per_run), cpu: roundAll(ref.copy_ms_per_run) },
      same_samples: dut.ppo.response_length === ref.ppo.response_length,
      rel_diff: Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, Number(v.toExponential(2))])),
      max_rel_diff: Number(maxDiff.toExponential(2)),
      tolerance: TOLERANCE,
      fallback_ops: fallback,
      pass: dut.provider_loaded && Object.keys(diffs).length >= 5 && maxDiff <= TOLERANCE,
    });
  } catch (e) {
    Object.assign(report, { error: (e as Error).message.split("\n")[0], pass: false });
  }
  report.wall_s = round((performance.now() - t0) / 1000, 1);
  console.log(JSON.stringify(report));
  process.exitCode = report.pass ? 0 : 1;
}

if (args.phase === "main") await main();
else console.log(JSON.stringify(await phase(args.device)));
