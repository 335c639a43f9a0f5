import fs from 'node:fs';

/** CPU time consumed so far, in milliseconds, by this process and by the Temporal server. */
export interface CpuSample {
  benchMs: number;
  /** Undefined where `/proc` cannot tell (not Linux, or the server process was not found). */
  serverMs?: number;
}

export interface CpuMeter {
  sample(): CpuSample;
  /** Whether the server's CPU time can be read. */
  seesServer: boolean;
}

/**
 * Reads CPU time of the bench process (client, workers, receiver) and of the dev server, a child of
 * this process. CPU per workflow barely depends on what else the machine runs, so it tells apart
 * Hookline's extra cost from noise better than wall-clock rates on a shared machine.
 */
export function createCpuMeter(serverPid: number | undefined): CpuMeter {
  return {
    seesServer: serverPid !== undefined,
    sample() {
      const usage = process.cpuUsage();
      return {
        benchMs: (usage.user + usage.system) / 1000,
        serverMs: serverPid === undefined ? undefined : processCpuMs(serverPid),
      };
    },
  };
}

/** CPU time a process has consumed so far (user + system), in ms; undefined where `/proc` cannot tell. */
export function processCpuMs(pid: number): number | undefined {
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux platform Node supports
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds spent between two samples. */
export function cpuSpent(start: CpuSample, end: CpuSample): CpuSample {
  return {
    benchMs: end.benchMs - start.benchMs,
    ...(start.serverMs !== undefined && end.serverMs !== undefined ? { serverMs: end.serverMs - start.serverMs } : {}),
  };
}

/** Whether a process still runs (a zombie, exited but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pid of this process's child running `command`, on Linux. */
export function findChildPid(command: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (name === command && ppid === process.pid) return Number(entry);
      } catch {
        continue;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
