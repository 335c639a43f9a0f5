/**
 * `npm run bench -- --noisy`: whether one workspace's slow endpoints hold back another's deliveries.
 * A noisy workspace emits to 200 endpoints that all hang past the 5 s budget while a quiet workspace
 * emits to one healthy endpoint; the figure is the quiet workspace's accepted → received latency. Run
 * once with task-queue fairness off and once with it on (Hookline's default), each on a fresh server.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { EventEnvelope } from '../src/contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../src/contract/event-data';
import { createWebhook, endpointResolver } from '../src/db/webhooks';
import { createWorkspace } from '../src/db/workspaces';
import { startDelivery } from '../src/emit/start-delivery';
import { startHookline } from '../src/runtime/start-hookline';
import { loadConfig } from '../src/shared/config';
import { provisionTemporalCli } from '../src/temporal-server/provision';
import { startDevServer } from '../src/temporal-server/servers';
import { runOpenLoop } from './load';
import { startBenchReceiver } from './receiver';
import { summarize, type LatencySummary } from './stats';

export interface NoisyOptions {
  /** Seconds of emitting. @default 20 */
  seconds: number;
  /** Endpoints of the noisy workspace, all hanging. @default 200 */
  noisyEndpoints: number;
  /** Events per second of the noisy workspace. @default 0.2 (200 endpoints hanging at any time) */
  noisyRate: number;
  /** Events per second of the quiet workspace. @default 5 */
  quietRate: number;
}

export interface NoisyResult {
  fairness: boolean;
  workerSlots: number;
  quiet: LatencySummary;
  /** Attempts the hanging endpoints received while the quiet events were measured. */
  noisyAttempts: number;
  errors: string[];
}

const HANG_MS = 6_000;

/** An endpoint that reads the request and never answers within the budget. */
async function startHangingReceiver() {
  let attempts = 0;
  const server = http.createServer((req, res) => {
    attempts++;
    req.resume();
    const timer = setTimeout(() => res.end(), HANG_MS);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    attempts: () => attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function measureNoisyNeighbour(
  options: NoisyOptions,
  { fairness, workerSlots }: { fairness: boolean; workerSlots: number },
  log: (message: string) => void,
): Promise<NoisyResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-noisy-'));
  const config = loadConfig({
    ...process.env,
    HOOKLINE_DATA_DIR: dir,
    HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
    TEMPORAL_TASK_QUEUE: `bench-noisy-${process.pid}`,
    LOG_LEVEL: 'silent',
    HOOKLINE_WORKER_MAX_ACTIVITIES: String(workerSlots),
  });
  const cli = await provisionTemporalCli({
    explicitPath: config.temporal.provision.cliPath,
    searchPath: config.temporal.provision.searchPath,
    log,
  });
  const server = await startDevServer({ executable: cli.executable, fairness });
  const quietReceiver = await startBenchReceiver();
  const hanging = await startHangingReceiver();
  const hookline = await startHookline({
    config,
    logger: pino({ level: 'silent' }),
    temporal: { connection: server.nativeConnection },
    worker: {},
  });
  try {
    const quiet = await createWorkspace(hookline.db, 'quiet');
    const noisy = await createWorkspace(hookline.db, 'noisy');
    await createWebhook(hookline.db, { workspaceId: quiet.id, url: quietReceiver.url, events: ['lead.created'] });
    for (let i = 0; i < options.noisyEndpoints; i++) {
      await createWebhook(hookline.db, {
        workspaceId: noisy.id,
        url: `${hanging.url}/${i}`,
        events: ['lead.created'],
      });
    }
    const emit = (workspaceId: string, id: string) => {
      const event: EventEnvelope = {
        id,
        type: 'lead.created',
        workspaceId,
        timestamp: new Date().toISOString(),
        data: { ...EVENT_DATA_EXAMPLES['lead.created'] },
      };
      return startDelivery(
        { event },
        {
          client: hookline.client,
          taskQueue: config.temporal.taskQueue,
          eagerStart: true,
          resolveEndpoints: endpointResolver(hookline.db),
        },
      );
    };

    log(`noisy neighbour, fairness ${fairness ? 'on' : 'off'}, ${workerSlots} slots: ${options.seconds} s …`);
    const accepted = new Map<string, number>();
    const attemptsBefore = hanging.attempts();
    const noisyLoop = runOpenLoop(Math.round(options.seconds * options.noisyRate), options.noisyRate, async (i) => {
      await emit(noisy.id, `noisy-${i}`);
    });
    // The quiet workspace starts once the noisy one has filled the worker.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const quietIds: string[] = [];
    const quietLoop = await runOpenLoop(
      Math.round((options.seconds - 2) * options.quietRate),
      options.quietRate,
      async (i) => {
        const id = `quiet-${i}`;
        quietIds.push(id);
        await emit(quiet.id, id);
        accepted.set(id, performance.now());
      },
    );
    const noisyResult = await noisyLoop;
    await quietReceiver.waitFor(quietIds, 120_000).catch((err: unknown) => log(String(err)));
    const delays = quietIds.flatMap((id) => {
      const from = accepted.get(id);
      const to = quietReceiver.arrivals.get(id);
      return from === undefined || to === undefined ? [] : [to - from];
    });
    return {
      fairness,
      workerSlots,
      quiet: summarize(delays),
      noisyAttempts: hanging.attempts() - attemptsBefore,
      errors: [...noisyResult.errors, ...quietLoop.errors],
    };
  } finally {
    await hookline.close();
    await quietReceiver.close();
    await hanging.close();
    await server.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatNoisy(options: NoisyOptions, results: NoisyResult[]): string {
  const ms = (v: number) => v.toFixed(1).padStart(9);
  const lines = [
    `Noisy neighbour: ${options.noisyEndpoints} endpoints that hang past the budget, one event every ` +
      `${(1 / options.noisyRate).toFixed(1)} s, in one workspace; one healthy endpoint at ${options.quietRate} ` +
      `events/s in another; ${options.seconds} s`,
    '  fairness  slots   quiet accepted → received (ms):   p50       p95       p99       max     n   noisy attempts',
    ...results.map(
      (r) =>
        `  ${(r.fairness ? 'on' : 'off').padEnd(9)} ${String(r.workerSlots).padStart(5)}   ${''.padEnd(31)}` +
        `${ms(r.quiet.p50)} ${ms(r.quiet.p95)} ${ms(r.quiet.p99)} ${ms(r.quiet.max)} ${String(r.quiet.count).padStart(5)} ` +
        `${String(r.noisyAttempts).padStart(8)}`,
    ),
    ...results.flatMap((r) => r.errors.slice(0, 3).map((e) => `  error: ${e}`)),
  ];
  return `${lines.join('\n')}\n`;
}
