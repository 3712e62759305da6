// Resident memory of a set of processes, from /proc (Linux): each process's VmRSS and the sum over
// the processes and all their descendants, sampled on a timer, so a benchmark can say what the whole
// app held at its peak (the peak of the sum, not the sum of peaks taken at different moments).
import fs from "node:fs";

/** VmRSS of one process in MiB; 0 once it has gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts a new peak-RSS window for this process: Linux's "5" to /proc/self/clear_refs resets the
 * peak (VmHWM, and getrusage's maxRSS with it) to the present RSS. Returns the peak until now in
 * MiB and a function that gives the peak since; where the reset is refused (not Linux, no /proc),
 * both are getrusage's peak over the whole process, which only overstates the window. The kernel
 * updates the mark when memory is unmapped, not at every page, so a caller that samples RSS too
 * should take the larger of the two.
 */
export function peakRssWindow(): { before: number; since: () => number } {
  const before = process.resourceUsage().maxRSS / 1024;
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    return { before, since: () => process.resourceUsage().maxRSS / 1024 };
  }
  return {
    before,
    since: () => {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
      return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
    },
  };
}

/** The process's children, grandchildren, … (from /proc/PID/task/TID/children), leaving out `skip` and theirs. */
export function descendants(pid: number, skip: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let text = "";
    try {
      text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
    } catch {
      continue;
    }
    for (const c of text.split(" ").filter(Boolean).map(Number)) if (!skip.has(c)) out.push(c, ...descendants(c, skip));
  }
  return out;
}

/** Each named process and (apart) its descendants that are not named themselves, in MiB: { name: rss, "name children": rss, total }. */
export function treeRssMb(roots: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const named = new Set(Object.values(roots));
  let total = 0;
  for (const [name, pid] of Object.entries(roots)) {
    const own = rssMb(pid);
    const kids = descendants(pid, named).reduce((n, c) => n + rssMb(c), 0);
    out[name] = Math.round(own);
    if (kids > 0) out[`${name} children`] = Math.round(kids);
    total += own + kids;
  }
  out.total = Math.round(total);
  return out;
}

/** Samples treeRssMb every `everyMs` until stop(); returns the sample with the highest total. */
export function sampleRss(roots: Record<string, number>, everyMs = 50): { stop: () => Record<string, number> } {
  let peak = treeRssMb(roots);
  const timer = setInterval(() => {
    const s = treeRssMb(roots);
    if (s.total > peak.total) peak = s;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const s = treeRssMb(roots);
      return s.total > peak.total ? s : peak;
    },
  };
}
