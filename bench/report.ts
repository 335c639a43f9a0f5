import type { CpuSample } from './cpu';
import type { LatencyResult, SaturationResult } from './phases';
import { formatProcessPhase, type ProcessPhaseReport } from './processes';
import type { ActionsPerWorkflow, ExecutionCosts } from './temporal-counts';
import { round1, roundSummary, summarize, type LatencySummary } from './stats';

export const TARGETS = {
  /** Hookline deliveries per second ÷ the trivial workflow's ceiling. */
  minRatio: 0.9,
  /** p95 of event accepted → request received, in milliseconds, at half the ceiling. */
  maxP95Ms: 25,
} as const;

/** One saturation run with the CPU it cost. */
export type MeasuredSaturation = SaturationResult & { cpu: CpuSample };

export interface CpuPerWorkflow {
  /** The bench process: client, both workers (workflow threads and Rust core included) and the receiver. */
  benchMs: number;
  /** The dev server; absent where it cannot be read. */
  serverMs?: number;
}

export interface SaturationFigures {
  runs: number;
  completed: number;
  elapsedSeconds: number;
  perSecond: number;
  /** Rate of each run, in order. */
  perSecondByRun: number[];
  startToWorkMs: LatencySummary;
  startToResultMs: LatencySummary;
  cpuPerWorkflowMs: CpuPerWorkflow;
}

export interface LatencyFigures {
  ratePerSecond: number;
  firedPerSecond: number;
  events: number;
  maxScheduleLagMs: number;
  acceptedToReceivedMs: LatencySummary;
  callToAcceptedMs: LatencySummary;
  callToReceivedMs: LatencySummary;
  cpuPerWorkflowMs: CpuPerWorkflow;
}

/** What one workflow of a kind costs Temporal: actions counted by the server, and one execution's history. */
export type TemporalCost = ExecutionCosts & { actions: ActionsPerWorkflow };

export interface TemporalCosts {
  trivial: TemporalCost;
  delivery: TemporalCost;
  /** A delivery whose first attempt failed and whose second succeeded. */
  retriedOnce?: TemporalCost;
}

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: Record<string, string | number>;
  server: Record<string, unknown>;
  settings: Record<string, unknown>;
  saturation: {
    events: number;
    concurrency: number;
    rounds: number;
    ceiling: SaturationFigures;
    hookline: SaturationFigures;
    /** Hookline's rate ÷ the ceiling's, both over all their runs. */
    ratio: number;
    /** Each Hookline run ÷ the mean of the ceiling runs either side of it. */
    ratioByRound: number[];
    /** Trivial CPU per workflow ÷ Hookline's (bench process + server): the ratio a machine whose CPU is the
     * bottleneck would approach, and far less sensitive to other load than the rates. */
    cpuRatio?: number;
  };
  latency: LatencyFigures;
  temporal: TemporalCosts;
  /** The multi-process phase, unless skipped. */
  processes?: ProcessPhaseReport;
  targets: {
    ratio: { target: string; value: number; pass: boolean };
    p95: { target: string; value: number; pass: boolean };
  };
  errors: string[];
}

/** Folds several runs of one workload into its figures: rates over the summed time, all samples pooled. */
export function saturationFigures(runs: readonly MeasuredSaturation[]): SaturationFigures {
  const completed = runs.reduce((sum, r) => sum + r.completed, 0);
  const elapsedMs = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
  return {
    runs: runs.length,
    completed,
    elapsedSeconds: round1(elapsedMs / 1000),
    perSecond: round1((completed / elapsedMs) * 1000),
    perSecondByRun: runs.map((r) => round1(r.perSecond)),
    startToWorkMs: roundSummary(summarize(runs.flatMap((r) => r.startToWork))),
    startToResultMs: roundSummary(summarize(runs.flatMap((r) => r.startToResult))),
    cpuPerWorkflowMs: cpuPerWorkflow(
      runs.map((r) => r.cpu),
      completed,
    ),
  };
}

export function latencyFigures(result: LatencyResult, cpu: CpuSample): LatencyFigures {
  return {
    ratePerSecond: round1(result.ratePerSecond),
    firedPerSecond: round1(result.firedPerSecond),
    events: result.events,
    maxScheduleLagMs: round1(result.maxLagMs),
    acceptedToReceivedMs: roundSummary(result.acceptedToReceived),
    callToAcceptedMs: roundSummary(result.callToAccepted),
    callToReceivedMs: roundSummary(result.callToReceived),
    cpuPerWorkflowMs: cpuPerWorkflow([cpu], result.events),
  };
}

function cpuPerWorkflow(samples: readonly CpuSample[], count: number): CpuPerWorkflow {
  const per = (total: number) => Math.round((total / count) * 100) / 100;
  const bench = per(samples.reduce((sum, s) => sum + s.benchMs, 0));
  const server = samples.every((s) => s.serverMs !== undefined)
    ? per(samples.reduce((sum, s) => sum + (s.serverMs ?? 0), 0))
    : undefined;
  return server === undefined ? { benchMs: bench } : { benchMs: bench, serverMs: server };
}

/** The human-readable summary printed at the end of a run. */
export function formatReport(report: BenchReport): string {
  const { saturation: sat, latency: lat, targets } = report;
  const rows: string[] = [];
  const kv = (key: string, value: string) => rows.push(`  ${key.padEnd(36)} ${value}`);
  const ms = (s: LatencySummary) =>
    `p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)} ms  (n=${s.count})`;
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

  rows.push('', `Hookline benchmark, ${report.startedAt} (${report.durationSeconds} s)`, '');
  rows.push('Machine');
  for (const [key, value] of Object.entries(report.machine)) kv(key, String(value));
  rows.push('Temporal server');
  for (const [key, value] of Object.entries(report.server)) {
    kv(key, Array.isArray(value) ? value.join(', ') : String(value));
  }
  rows.push('Settings');
  for (const [key, value] of Object.entries(report.settings)) kv(key, String(value));

  rows.push(
    '',
    `Saturation: ${sat.events} events, ${sat.concurrency} in flight, ${sat.rounds} Hookline runs between ` +
      `${sat.rounds + 1} ceiling runs`,
  );
  const block = (label: string, f: SaturationFigures, work: string) => {
    kv(label, `${fmt(f.perSecond).padStart(7)} /s   (${f.completed} in ${f.elapsedSeconds} s)`);
    kv('  per run', f.perSecondByRun.map(fmt).join(', '));
    kv(`  start → ${work}`, ms(f.startToWorkMs));
    kv('  start → result', ms(f.startToResultMs));
    kv('  CPU per workflow', cpu(f.cpuPerWorkflowMs));
  };
  block('Ceiling (trivial workflow)', sat.ceiling, 'activity running');
  block('Hookline deliveries', sat.hookline, 'request received');
  kv('Ratio per round', sat.ratioByRound.map((r) => r.toFixed(2)).join(', '));
  if (sat.cpuRatio !== undefined) kv('CPU ratio (trivial ÷ Hookline)', sat.cpuRatio.toFixed(2));

  rows.push(
    '',
    `Latency: open loop at ${fmt(lat.ratePerSecond)}/s (fired ${fmt(lat.firedPerSecond)}/s), ${lat.events} events`,
  );
  kv('accepted → received', ms(lat.acceptedToReceivedMs));
  kv('call → accepted (start round trip)', ms(lat.callToAcceptedMs));
  kv('call → received', ms(lat.callToReceivedMs));
  kv('max schedule lag', `${fmt(lat.maxScheduleLagMs)} ms`);
  kv('CPU per event', cpu(lat.cpuPerWorkflowMs));

  rows.push('', "Temporal, per workflow: actions (the server's own count, by type), history events, state transitions");
  const costs: [string, TemporalCost | undefined][] = [
    ['trivial workflow', report.temporal.trivial],
    ['Hookline delivery', report.temporal.delivery],
    ['delivery retried once', report.temporal.retriedOnce],
  ];
  for (const [label, cost] of costs) {
    if (!cost) continue;
    kv(
      label,
      `${cost.actions.total.toFixed(2)} actions, ${cost.historyEvents} events, ${cost.stateTransitions} state transitions`,
    );
    kv(
      '',
      Object.entries(cost.actions.byType)
        .map(([type, n]) => `${type} ${n}`)
        .join(', '),
    );
  }

  if (report.processes) rows.push(formatProcessPhase({ ...report.processes, errors: [] }).trimEnd());

  rows.push('', 'Targets');
  kv(
    `deliveries/s ÷ ceiling ${targets.ratio.target}`,
    `${targets.ratio.value.toFixed(2).padStart(7)}     ${verdict(targets.ratio.pass)}`,
  );
  kv(
    `p95 accepted → received ${targets.p95.target}`,
    `${fmt(targets.p95.value).padStart(7)} ms  ${verdict(targets.p95.pass)}`,
  );
  if (report.errors.length > 0) {
    rows.push('', `ERRORS (${report.errors.length}); the figures above are not to be trusted:`);
    for (const error of report.errors.slice(0, 10)) rows.push(`  ${error}`);
  }
  rows.push('');
  return rows.join('\n');
}

function cpu(c: CpuPerWorkflow): string {
  const server = c.serverMs === undefined ? 'not measured' : `${c.serverMs.toFixed(1)} ms`;
  return `bench process ${c.benchMs.toFixed(1)} ms, server ${server}`;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '—';
}
