// Reading onnxruntime's node placements from its verbose log: a real CPU log from a child process,
// and the mixed CUDA/CPU form onnxruntime writes when some nodes fall back.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fallbackOps, parsePlacements } from '../../ml/runtime/placement';

const MIXED = `2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1389 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 3
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1391 VerifyEachNodeIsAssignedToAnEp]   MatMul (h0/attn/qkv)
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1391 VerifyEachNodeIsAssignedToAnEp]   Softmax (h0/attn/softmax)
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1391 VerifyEachNodeIsAssignedToAnEp]   MemcpyToHost (Memcpy_token_1)
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1389 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1391 VerifyEachNodeIsAssignedToAnEp]   ScatterND (wte/grad/scatter)
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:1391 VerifyEachNodeIsAssignedToAnEp]   Shape (h0/shape)
2026-12-04 10:00:00.1 [V:onnxruntime:, session_state.cc:186 CreateGraphInfo] SaveMLValueNameIndexMapping
`;

describe('node placements from the verbose log', () => {
  it('reads the mixed form: each provider, its count and its nodes; the CPU ones are the fallbacks', () => {
    const s = parsePlacements(MIXED);
    expect(s).toHaveLength(1);
    expect(s[0].map((p) => [p.provider, p.count, p.nodes.length])).toEqual([
      ['CUDAExecutionProvider', 3, 3],
      ['CPUExecutionProvider', 2, 2],
    ]);
    expect(fallbackOps(s)).toEqual({ ScatterND: 1, Shape: 1 });
    expect(fallbackOps(parsePlacements(MIXED + MIXED))).toEqual({ ScatterND: 2, Shape: 2 });
  });

  it('reads a real onnxruntime log of a CPU session (all nodes on one provider: no fallbacks)', () => {
    const script = `import { Graph } from './ml/index'; import { Session } from './ml/runtime/session';
      const g = new Graph(); const x = g.input('x', 'float32', [2, 3]);
      const s = await Session.create(g.toModel({ outputs: { y: g.relu(g.add(x, 1)) } }), { verbose: true });
      await s.run({ x: new Float32Array(6) });`;
    const root = path.resolve(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ORT_NODE_DIR: '' },
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const s = parsePlacements(r.stderr);
    expect(s).toEqual([[{ provider: 'CPUExecutionProvider', count: 2, nodes: [] }]]);
    expect(fallbackOps(s)).toEqual({});
  });
});
