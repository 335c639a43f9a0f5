/**
 * `npm run bench`: Hookline's delivery throughput against the ceiling of a trivial workflow on the same
 * server in the same run, then its latency under an open-loop arrival rate of half that ceiling.
 * Flags: see `npm run bench -- --help`.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import cliProgress from 'cli-progress';
import { cpuSpent, createCpuMeter, findChildPid, isRunning, type CpuMeter, type CpuSample } from './cpu';
import { startBenchEnvironment, type BenchEnvironment } from './environment';
import { ALL_ON, describeFeatures } from './features';
import { measureProcessLayouts } from './processes';
import { formatPrices, measurePrices, PRICED_VARIANTS, type PriceReport } from './price';
import { formatNoisy, measureNoisyNeighbour } from './noisy';
import { loadConfig } from '../src/shared/config';
import { BenchOptionsError, USAGE, parseBenchOptions, type BenchOptions } from './options';
import { deliverRetriedOnce, measureLatency, saturateHookline, saturateTrivial, type PhaseContext } from './phases';
import { actionsPer, executionCosts, poolActions, sampleActions, type ActionsPerWorkflow } from './temporal-counts';
import {
  TARGETS,
  formatReport,
  latencyFigures,
  saturationFigures,
  type BenchReport,
  type MeasuredSaturation,
  type TemporalCosts,
} from './report';
import { deliveryWorkflowId } from '../src/contract/delivery';
import { round1 } from './stats';

/** After a run, before its actions are read off the server's counter, which it publishes about once a second. */
const COUNT_SETTLE_MS = 1_500;
/** Time for the latency phase's last workflows to close after their requests arrived. */
const LATENCY_TAIL_MS = 3_000;

// Worker lifecycle chatter and the per-delivery info log would drown the progress bar.
Runtime.install({ logger: new DefaultLogger('WARN') });

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof BenchOptionsError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  if (options.noisy) {
    const noisy = { seconds: 20, noisyEndpoints: 200, noisyRate: 0.2, quietRate: 5 };
    // The SDK's default of 100 slots, and Hookline's (or --worker-slots), each without and with fairness.
    const slots = [100, options.workerSlots ?? loadConfig(process.env).worker.maxConcurrentActivities];
    const results = [];
    for (const workerSlots of slots) {
      for (const fairness of [false, true]) {
        results.push(await measureNoisyNeighbour(noisy, { fairness, workerSlots }, log));
      }
    }
    process.stdout.write(formatNoisy(noisy, results));
    return 0;
  }

  const startedAt = new Date();
  const began = performance.now();
  const env = await startBenchEnvironment(log, options.price ? ALL_ON : options.features);
  const interrupt = () => {
    log('Interrupted: cleaning up …');
    void env.teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  // The SDK retries forever against a server that has gone; a run on a shared machine should fail fast.
  const serverPid = findChildPid('temporal');
  const watchdog = setInterval(() => {
    if (serverPid === undefined || isRunning(serverPid)) return;
    clearInterval(watchdog);
    log('The Temporal dev server exited during the run (stopped by something else?): aborting.');
    void env.teardown().finally(() => process.exit(1));
  }, 1000);
  try {
    if (options.price) {
      const prices = await runPrices(env, options, serverPid);
      const report: PriceReport = {
        startedAt: startedAt.toISOString(),
        durationSeconds: round1((performance.now() - began) / 1000),
        ...prices,
      };
      process.stdout.write(formatPrices(report));
      writeJson(options.json, report);
      return report.errors.length > 0 ? 1 : 0;
    }
    const report = await runPhases(env, options, startedAt, serverPid);
    report.durationSeconds = round1((performance.now() - began) / 1000);
    process.stdout.write(formatReport(report));
    writeJson(options.json, report);
    return report.errors.length > 0 ? 1 : 0;
  } finally {
    clearInterval(watchdog);
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await env.teardown();
  }
}

function writeJson(file: string, report: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`Figures written to ${path.relative(process.cwd(), file)}`);
}

async function runPrices(env: BenchEnvironment, options: BenchOptions, serverPid: number | undefined) {
  const meter = createCpuMeter(serverPid);
  const { warmup } = options;
  const variants = PRICED_VARIANTS.length;
  const total = warmup + variants * Math.ceil(warmup / 2) + options.priceRounds * (variants + 1) * options.priceEvents;
  return withBar(total, (bar) =>
    measurePrices({
      env,
      eager: options.eager,
      ratePerSecond: options.priceRate,
      events: options.priceEvents,
      rounds: options.priceRounds,
      warmup,
      withCpu: (phase) => withCpu(meter, phase),
      progress: bar,
      log,
    }),
  );
}

async function runPhases(
  env: BenchEnvironment,
  options: BenchOptions,
  startedAt: Date,
  serverPid: number | undefined,
): Promise<BenchReport> {
  const { events, concurrency, rounds, warmup, eager } = options;
  const context = (prefix: string): PhaseContext => ({ env, eager, prefix });
  const meter = createCpuMeter(serverPid);
  const loadBefore = os.loadavg();

  if (warmup > 0) {
    await withBar(2 * warmup, async (bar) => {
      bar.phase('warm-up, trivial');
      await saturateTrivial(context('warm'), warmup, concurrency, bar.tick);
      bar.phase('warm-up, Hookline');
      await saturateHookline(context('warm'), warmup, concurrency, bar.tick);
    });
  }

  // Ceiling and Hookline alternate, C H C H … C, so that a change in background load during the run
  // weighs on both rather than on whichever ran at the time.
  const sizes = Array.from(
    { length: rounds },
    (_, i) => Math.floor(((i + 1) * events) / rounds) - Math.floor((i * events) / rounds),
  );
  const ceilingSize = Math.ceil(events / rounds);
  const ceilingRuns: MeasuredSaturation[] = [];
  const hooklineRuns: MeasuredSaturation[] = [];
  const ceilingActions: { actions: ActionsPerWorkflow; workflows: number }[] = [];
  const hooklineActions: { actions: ActionsPerWorkflow; workflows: number }[] = [];
  // What each run cost Temporal in actions, from the server's own counter.
  const counted = async <T extends { completed: number }>(
    into: { actions: ActionsPerWorkflow; workflows: number }[],
    phase: () => Promise<T>,
  ): Promise<T> => {
    const before = await sampleActions(env.metricsUrl, env.namespace);
    const result = await phase();
    // The server counts an action once its request is answered: let the last ones land in this run.
    await sleep(COUNT_SETTLE_MS);
    const after = await sampleActions(env.metricsUrl, env.namespace);
    into.push({ actions: actionsPer(before, after, result.completed), workflows: result.completed });
    return result;
  };
  await withBar(events + (rounds + 1) * ceilingSize, async (bar) => {
    for (let round = 0; round <= rounds; round++) {
      bar.phase(`ceiling ${round + 1}/${rounds + 1}`);
      ceilingRuns.push(
        await counted(ceilingActions, () =>
          withCpu(meter, () => saturateTrivial(context(`ceil${round}`), ceilingSize, concurrency, bar.tick)),
        ),
      );
      const size = sizes[round];
      if (size === undefined) break;
      bar.phase(`Hookline ${round + 1}/${rounds}`);
      hooklineRuns.push(
        await counted(hooklineActions, () =>
          withCpu(meter, () => saturateHookline(context(`sat${round}`), size, concurrency, bar.tick)),
        ),
      );
    }
  });
  const temporal: TemporalCosts = {
    trivial: {
      actions: poolActions(ceilingActions),
      ...(await executionCosts(env.client, 'ceil0-0')),
    },
    delivery: {
      actions: poolActions(hooklineActions),
      ...(await executionCosts(env.hookline.client, deliveryWorkflowId(env.workspaceId, 'sat0-0'))),
    },
  };
  const ceiling = saturationFigures(ceilingRuns);
  const hookline = saturationFigures(hooklineRuns);

  const rate = options.rate ?? ceiling.perSecond / 2;
  const latencyEvents = Math.max(1, Math.round(rate * options.latencySeconds));
  const latency = await withBar(latencyEvents, (bar) => {
    bar.phase(`latency at ${rate.toFixed(1)}/s`);
    return withCpu(meter, () => measureLatency(context('lat'), rate, latencyEvents, bar.tick));
  });

  const retryErrors: string[] = [];
  if (options.retryPhase) {
    const count = 20;
    await withBar(count, async (bar) => {
      bar.phase('retried once (1 min)');
      // The latency phase waited for arrivals only: its workflows finish first, outside this count.
      await sleep(LATENCY_TAIL_MS);
      const before = await sampleActions(env.metricsUrl, env.namespace);
      const retried = await deliverRetriedOnce(context('retry'), count, bar.tick);
      await sleep(COUNT_SETTLE_MS);
      const after = await sampleActions(env.metricsUrl, env.namespace);
      retryErrors.push(...retried.errors);
      const [first] = retried.workflowIds;
      if (retried.completed > 0 && first) {
        temporal.retriedOnce = {
          actions: actionsPer(before, after, retried.completed),
          ...(await executionCosts(env.hookline.client, first)),
        };
      }
    });
  }

  const processes = options.multiProcess
    ? await withBar(options.processEvents * 2 + 2 * Math.min(100, Math.ceil(options.processEvents / 2)), (bar) =>
        measureProcessLayouts({
          env,
          events: options.processEvents,
          concurrency,
          rounds: 2,
          serverPid,
          progress: bar,
          log,
        }),
      )
    : undefined;

  const ratio = hookline.perSecond / ceiling.perSecond;
  const p95 = latency.acceptedToReceived.p95;
  const cpuTotal = (c: { benchMs: number; serverMs?: number }) =>
    c.serverMs === undefined ? undefined : c.benchMs + c.serverMs;
  const trivialCpu = cpuTotal(ceiling.cpuPerWorkflowMs);
  const hooklineCpu = cpuTotal(hookline.cpuPerWorkflowMs);
  const cpus = os.cpus();
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  return {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      memoryGiB: round1(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadAverage1mBefore: round1(loadBefore[0] ?? Number.NaN),
      loadAverage1mAfter: round1(os.loadavg()[0] ?? Number.NaN),
    },
    server: {
      kind: 'temporal server start-dev (CLI), SQLite file',
      cli: env.server.cli,
      cliVersion: env.server.cliVersion,
      dbFilename: env.server.dbFilename,
      sqlitePragmas: env.server.sqlitePragmas,
      namespace: env.server.namespace,
    },
    settings: {
      connection: 'one NativeConnection shared by the client and both workers',
      eagerStart: eager,
      payloadCodec: options.features.codec ? 'AES-256-GCM, as deployed' : 'off (--no-codec)',
      deliveryParts: describeFeatures(options.features),
      workerOptions: 'SDK defaults (createWorker for Hookline, Worker.create for the trivial workflow)',
      completion: 'each saturation workflow awaited with handle.result()',
      warmup: `${warmup} workflows of each kind`,
    },
    saturation: {
      events,
      concurrency,
      rounds,
      ceiling,
      hookline,
      ratio: round3(ratio),
      ratioByRound: hooklineRuns.map((run, i) =>
        round3(run.perSecond / (((ceilingRuns[i]?.perSecond ?? 0) + (ceilingRuns[i + 1]?.perSecond ?? 0)) / 2)),
      ),
      ...(trivialCpu !== undefined && hooklineCpu !== undefined ? { cpuRatio: round3(trivialCpu / hooklineCpu) } : {}),
    },
    latency: latencyFigures(latency, latency.cpu),
    temporal,
    ...(processes ? { processes } : {}),
    targets: {
      ratio: { target: `≥ ${TARGETS.minRatio}`, value: round3(ratio), pass: ratio >= TARGETS.minRatio },
      p95: { target: `≤ ${TARGETS.maxP95Ms} ms`, value: round1(p95), pass: p95 <= TARGETS.maxP95Ms },
    },
    errors: [
      ...[...ceilingRuns, ...hooklineRuns, latency].flatMap((r) => r.errors),
      ...retryErrors,
      ...(processes?.errors ?? []),
    ],
  };
}

/** Adds the CPU time a phase cost, in the bench process and in the server, to its result. */
async function withCpu<T>(meter: CpuMeter, phase: () => Promise<T>): Promise<T & { cpu: CpuSample }> {
  const start = meter.sample();
  const result = await phase();
  return { ...result, cpu: cpuSpent(start, meter.sample()) };
}

interface Bar {
  phase(label: string): void;
  tick(): void;
}

/** Runs phases behind one progress bar on stderr; each phase shows its own label and rate. */
async function withBar<T>(total: number, run: (bar: Bar) => Promise<T>): Promise<T> {
  const bar = new cliProgress.SingleBar(
    {
      format: '{label} |{bar}| {value}/{total}  {rate}/s  {duration}s',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  let phaseStarted = performance.now();
  let phaseDone = 0;
  bar.start(total, 0, { label: ''.padEnd(20), rate: '0.0' });
  try {
    return await run({
      phase(label) {
        phaseStarted = performance.now();
        phaseDone = 0;
        bar.update(done, { label: label.padEnd(20), rate: '0.0' });
      },
      tick() {
        done++;
        phaseDone++;
        bar.update(done, { rate: ((phaseDone / (performance.now() - phaseStarted)) * 1000).toFixed(1) });
      },
    });
  } finally {
    bar.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
