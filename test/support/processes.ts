import { spawn } from 'node:child_process';
import net from 'node:net';
import { PROJECT_ROOT } from '../../src/temporal-server/provision';

/** Hookline's entry files, run as `npm run worker`, `npm run api` and `npm start` run them. */
export const HOOKLINE_ENTRIES = {
  worker: 'src/worker/main.ts',
  api: 'src/api/main.ts',
  main: 'src/main.ts',
} as const;

export type HooklineEntry = keyof typeof HOOKLINE_ENTRIES;

/** One line of a process's JSON log (`LOG_FORMAT=json`). */
export interface LogLine {
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall-clock time of the exit. */
  at: number;
}

/** A real Hookline process, started with Node and tsx as the npm scripts start it. */
export interface HooklineProcess {
  readonly entry: HooklineEntry;
  readonly pid: number;
  /** Every JSON line the process wrote to stdout, parsed. */
  readonly logs: readonly LogLine[];
  /** Everything it wrote, stdout and stderr, for failure messages. */
  output(): string;
  /** How it ended, once it has. */
  exit(): ProcessExit | undefined;
  waitForExit(timeoutMs: number): Promise<ProcessExit>;
  /** The first log line with this message; fails after `timeoutMs`, or at once if the process exits first. */
  waitForLog(msg: string, timeoutMs: number): Promise<LogLine>;
  /** The first match in its output; fails like {@link waitForLog}. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** A signal to the process alone, as a supervisor (systemd, Docker, `kill`) sends it. */
  signal(signal: NodeJS.Signals): void;
  /** A signal to the process and everything it started, as Ctrl-C at a terminal sends it. */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILL to the process and everything it started; resolves once it has exited. */
  kill(): Promise<ProcessExit>;
}

/** The environment of a Hookline process: nothing inherited but PATH and HOME, JSON logs, and `settings`. */
export function hooklineEnv(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: '0',
    ...settings,
  };
}

/**
 * Starts Hookline processes and stops whatever is left of them: every test that starts one calls
 * {@link killAll} when it ends, so no process outlives its test.
 */
export class HooklineProcesses {
  private readonly started = new Set<HooklineProcess>();
  private closed = false;

  start(entry: HooklineEntry, env: NodeJS.ProcessEnv): HooklineProcess {
    // A start racing the end of a run must not leave a process behind.
    if (this.closed) throw new Error(`Not starting ${entry}: these processes have been stopped`);
    const started = spawnHookline(entry, env);
    this.started.add(started);
    return started;
  }

  /** A worker process, once it logged "Worker running". */
  async startWorker(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<HooklineProcess> {
    const worker = this.start('worker', env);
    await worker.waitForLog('Worker running', timeoutMs);
    return worker;
  }

  /** An API process, once `/readyz` answers 200 (SQLite and Temporal both reachable). */
  async startApi(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ process: HooklineProcess; url: string }> {
    const deadline = Date.now() + timeoutMs;
    const api = this.start('api', env);
    const { url } = await api.waitForLog('API listening', timeoutMs);
    if (typeof url !== 'string') throw new Error(`The API logged no url:\n${api.output()}`);
    await waitUntilReady(url, deadline - Date.now(), api);
    return { process: api, url };
  }

  /** SIGKILLs every process still running, with everything it started; starts nothing after. */
  async killAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.started].map((started) => started.kill()));
    this.started.clear();
  }
}

/** Polls `GET /readyz` until it answers 200. */
export async function waitUntilReady(url: string, timeoutMs: number, owner?: HooklineProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (owner?.exit()) throw new Error(`The process exited before it was ready:\n${owner.output()}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`${url} was not ready within ${timeoutMs} ms (last: ${last})`);
    await sleep(200);
  }
}

/**
 * Where {@link freePort} looks: below Linux's ephemeral range (32768–60999), from which the kernel hands
 * out ports to anything that binds port 0 (the Temporal dev server's own services, outgoing
 * connections). A port from that range could be taken by one of those between the test choosing it and
 * the process listening on it.
 */
const FIXED_PORTS = { from: 20_000, to: 32_000 } as const;

/** A TCP port nobody listens on right now, outside the range the kernel hands out by itself. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = FIXED_PORTS.from + Math.floor(Math.random() * (FIXED_PORTS.to - FIXED_PORTS.from));
    const server = net.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error(`No free port between ${FIXED_PORTS.from} and ${FIXED_PORTS.to}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function spawnHookline(entry: HooklineEntry, env: NodeJS.ProcessEnv): HooklineProcess {
  // Its own process group, so that a group signal reaches what it started (the embedded Temporal
  // server of `src/main.ts`) and nothing of the test's.
  const child = spawn(process.execPath, ['--import', 'tsx', HOOKLINE_ENTRIES[entry]], {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${entry}`);
  const logs: LogLine[] = [];
  let output = '';
  let pending = '';
  let exit: ProcessExit | undefined;
  const wakers = new Set<() => void>();
  const wake = () => wakers.forEach((waker) => waker());

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line: the banner of `npm start`, the dev server's own output.
      }
    }
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    wake();
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
      wake();
    });
  });

  /** Resolves with `find()` once it returns something; rejects on timeout or, unless `untilExit`, on exit. */
  const waitFor = <T>(find: () => T | undefined, timeoutMs: number, what: string, untilExit = false) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        const ended = exit;
        if (found !== undefined) finish(() => resolve(found));
        else if (ended && !untilExit)
          finish(() => reject(failure(`${entry} exited (${describeExit(ended)}) before ${what}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(failure(`${entry}: no ${what} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        wakers.delete(check);
        settle();
      };
      const failure = (message: string) => new Error(`${message}; its output:\n${output.slice(-4_000)}`);
      wakers.add(check);
      check();
    });

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };

  return {
    entry,
    pid,
    logs,
    output: () => output,
    exit: () => exit,
    waitForExit: (timeoutMs) => waitFor<ProcessExit>(() => exit, timeoutMs, 'exit', true),
    waitForLog: (msg, timeoutMs) => waitFor(() => logs.find((line) => line.msg === msg), timeoutMs, `log "${msg}"`),
    waitForOutput: (pattern, timeoutMs) =>
      waitFor(() => pattern.exec(output) ?? undefined, timeoutMs, `output matching ${pattern}`),
    signal(signal) {
      if (!exit) child.kill(signal);
    },
    signalGroup,
    async kill() {
      // The group may outlive its leader (a dev server the process started), so it is signalled anyway.
      signalGroup('SIGKILL');
      return exit ?? exited;
    },
  };
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
