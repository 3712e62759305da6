// Which execution provider onnxruntime placed each node on, read from its verbose log
// (RuntimeConfig.verbose or ML_ORT_VERBOSE=1; the log goes to the process's stderr). With CUDA,
// the nodes left on the CPU provider cost a device→host→device copy each: this names them.

export interface Placement {
  /** e.g. "CUDAExecutionProvider", "CPUExecutionProvider". */
  provider: string;
  count: number;
  /** Op type and node name of each node (listed by onnxruntime only when a session uses more than one provider). */
  nodes: { op: string; name: string }[];
}

const HEADER = /VerifyEachNodeIsAssignedToAnEp\] Node placements\s*$/;
const ALL = /\] {1,2}All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/;
const SOME = /\] {1,2}Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)/;
const NODE = /VerifyEachNodeIsAssignedToAnEp\] {2,}(\S+) \((.*)\)\s*$/;

/** One list of placements per session whose creation the log shows, in order. */
export function parsePlacements(log: string): Placement[][] {
  const sessions: Placement[][] = [];
  let current: Placement[] | null = null;
  for (const line of log.split('\n')) {
    if (HEADER.test(line)) {
      current = [];
      sessions.push(current);
      continue;
    }
    if (!current) continue;
    const all = ALL.exec(line) ?? SOME.exec(line);
    if (all) {
      current.push({ provider: all[1], count: Number(all[2]), nodes: [] });
      continue;
    }
    const node = NODE.exec(line);
    if (node && current.length) current[current.length - 1].nodes.push({ op: node[1], name: node[2] });
    else if (!line.includes('VerifyEachNodeIsAssignedToAnEp')) current = null; // the block ended
  }
  return sessions;
}

/** Op types placed on the CPU provider in sessions that also used `preferred`, with their counts. */
export function fallbackOps(sessions: Placement[][], preferred = 'CUDAExecutionProvider'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sessions) {
    if (!s.some((p) => p.provider === preferred)) continue;
    for (const p of s) if (p.provider === 'CPUExecutionProvider') for (const n of p.nodes) out[n.op] = (out[n.op] ?? 0) + 1;
  }
  return out;
}
