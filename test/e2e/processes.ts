/** Process trees on Linux (/proc): what the CLI started, and what it left behind when killed. */
import * as fs from "node:fs";

interface Proc {
  pid: number;
  ppid: number;
}

function table(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      procs.push({ pid: Number(entry), ppid });
    } catch {
      // exited while we looked
    }
  }
  return procs;
}

/** `pid` and every process below it. */
export function tree(pid: number): number[] {
  const procs = table();
  const found = [pid];
  for (let i = 0; i < found.length; i++) for (const p of procs) if (p.ppid === found[i]) found.push(p.pid);
  return found;
}

/** The direct children of `pid`. */
export function children(pid: number): number[] {
  return table().filter((p) => p.ppid === pid).map((p) => p.pid);
}

/** Processes whose working directory is `dir` or below (plugins the CLI started for a project). */
export function workingIn(dir: string): number[] {
  return table()
    .map((p) => p.pid)
    .filter((pid) => {
      try {
        const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
        return cwd === dir || cwd.startsWith(`${dir}/`);
      } catch {
        return false;
      }
    });
}

export function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}
