// A process's children as the kernel lists them, to find defunct (zombie) ones: exited, never waited for.
import fs from "node:fs";

export type ChildProc = { pid: number; name: string; state: string };

/** The children of `pid` (every thread's), with their command name and state (Z: defunct). */
function childrenOf(pid: number): ChildProc[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  const pids = tasks.flatMap((t) => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
  return pids.flatMap((c) => {
    try {
      const stat = fs.readFileSync(`/proc/${c}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      return [{ pid: c, name: stat.slice(stat.indexOf("(") + 1, close), state: stat.slice(close + 2, close + 3) }];
    } catch {
      return []; // reaped meanwhile
    }
  });
}

export const defunctChildren = (pid: number) => childrenOf(pid).filter((c) => c.state === "Z");
