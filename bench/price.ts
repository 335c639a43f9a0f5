/**
 * `npm run bench -- --price`: what each part of a delivery costs. Hookline runs as deployed, with one
 * part switched off at a time, with all of them off, and with a larger event, on one server, each
 * variant on a worker of its own; every round runs the trivial-workflow ceiling once and every variant
 * once, in an order that turns each round, so that drift in the machine's load spreads over all.
 */
import { deliveryWorkflowId } from '../src/contract/delivery';
import { ENCRYPTED_ENCODING } from '../src/security/payload-codec';
import type { CpuSample } from './cpu';
import type { BenchEnvironment, HooklineVariant } from './environment';
import { ALL_OFF, ALL_ON, describeFeatures, formatBytes, type DeliveryFeatures } from './features';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  benchEventBytes,
  measureLatency,
  paceTrivial,
  saturateHookline,
  saturateTrivial,
  type LatencyResult,
  type PhaseContext,
} from './phases';
import { round1, roundSummary, summarize, type LatencySummary } from './stats';

/** The larger event of the table: a document's extracted fields can weigh this much. */
const LARGE_EVENT_BYTES = 16 * 1024;

export const PRICED_VARIANTS: readonly { label: string; features: DeliveryFeatures }[] = [
  { label: 'all on (as deployed)', features: ALL_ON },
  { label: 'search attributes off', features: { ...ALL_ON, searchAttributes: false } },
  { label: 'patch markers off', features: { ...ALL_ON, patchMarkers: false } },
  { label: 'summaries off', features: { ...ALL_ON, summaries: false } },
  { label: 'payload {} instead of the example', features: { ...ALL_ON, payload: 'minimal' } },
  { label: 'codec off', features: { ...ALL_ON, codec: false } },
  { label: 'POST off (answered in memory)', features: { ...ALL_ON, post: false } },
  { label: 'all of these off', features: ALL_OFF },
  { label: `event of ${formatBytes(LARGE_EVENT_BYTES)}`, features: { ...ALL_ON, payload: LARGE_EVENT_BYTES } },
];

export interface PricedRun {
  /** CPU per delivery (per workflow, for the ceiling), bench process + server, in ms. */
  cpuPerWorkflowMs: { benchMs: number; serverMs?: number };
  cpuMs?: number;
  /** Start accepted → request received (ceiling: → activity running). */
  latencyMs: LatencySummary;
  /** Half the range of the runs' CPU per delivery: how far one run strays from another. */
  cpuSpreadMs?: number;
  /** Runs' rates as fired, to show the open loop kept its pace. */
  firedPerSecond: number;
}

export interface PricedVariant extends PricedRun {
  label: string;
  features: string;
  eventBytes: number;
  /** The ceiling's CPU per workflow ÷ this variant's: the saturation ratio a CPU-bound machine approaches. */
  cpuRatio?: number;
  /** Events in the history of one delivery of this variant, and its size as JSON. */
  historyEvents: number;
  historyBytes: number;
  /** All on minus this variant, in ms of CPU per delivery: what the part switched off costs. */
  savedCpuMs?: number;
}

export interface PriceReport {
  startedAt: string;
  durationSeconds: number;
  ratePerSecond: number;
  eventsPerRun: number;
  rounds: number;
  ceiling: PricedRun;
  variants: PricedVariant[];
  errors: string[];
}

export interface PriceRun {
  env: BenchEnvironment;
  eager: boolean;
  ratePerSecond: number;
  events: number;
  rounds: number;
  warmup: number;
  /** Wraps a phase with the CPU it cost. */
  withCpu<T>(phase: () => Promise<T>): Promise<T & { cpu: CpuSample }>;
  /** Progress: a label per run, a tick per workflow. */
  progress: { phase(label: string): void; tick(): void };
  log(message: string): void;
}

/** Counted into each run: the server's work that follows the last start (visibility, cleanup). */
const RUN_TAIL_MS = 1_000;
/** Between runs, after the tail, so that no run starts on the last one's work. */
const RUN_GAP_MS = 500;

/**
 * Every variant, and the ceiling, at one fixed arrival rate (open loop) below what any of them
 * saturates at: the server then batches alike for all, and CPU per delivery compares like with like.
 */
export async function measurePrices(run: PriceRun): Promise<Omit<PriceReport, 'startedAt' | 'durationSeconds'>> {
  const { env, eager, ratePerSecond, events, rounds, warmup, withCpu, progress } = run;
  run.log(`Starting ${PRICED_VARIANTS.length - 1} more Hookline workers …`);
  const variants: HooklineVariant[] = [env.hookline];
  for (const { features } of PRICED_VARIANTS.slice(1)) variants.push(await env.startVariant(features));

  const context = (prefix: string, variant?: HooklineVariant): PhaseContext => ({ env, eager, prefix, variant });
  if (warmup > 0) {
    progress.phase('warm-up, trivial');
    await saturateTrivial(context('warm'), warmup, 50, progress.tick);
    for (const [index, variant] of variants.entries()) {
      progress.phase(`warm-up, variant ${index + 1}`);
      await saturateHookline(context(`warm${index}`, variant), Math.ceil(warmup / 2), 50, progress.tick);
    }
  }

  // Index 0 is the ceiling, 1… the variants; each round starts one further along.
  const kinds = variants.length + 1;
  const measured: (LatencyResult & { cpu: CpuSample })[][] = Array.from({ length: kinds }, () => []);
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < kinds; step++) {
      const kind = (step + round * 4) % kinds;
      const variant = variants[kind - 1];
      progress.phase(`round ${round + 1}/${rounds}, ${kind === 0 ? 'ceiling' : `variant ${kind}`}`);
      const result = await withCpu(async () => {
        const phase = variant
          ? await measureLatency(context(`pv${kind}r${round}`, variant), ratePerSecond, events, progress.tick)
          : await paceTrivial(context(`pc${round}`), ratePerSecond, events, progress.tick);
        await sleep(RUN_TAIL_MS);
        return phase;
      });
      measured[kind]?.push(result);
      await sleep(RUN_GAP_MS);
    }
  }

  const errors: string[] = [];
  const histories: { events: number; bytes: number }[] = [];
  for (const [index, variant] of variants.entries()) {
    const checked = await checkVariant(variant, `pv${index + 1}r0-0`, env);
    errors.push(...checked.problems);
    histories.push(checked.history);
  }

  const priced = (runs: readonly (LatencyResult & { cpu: CpuSample })[]): PricedRun => {
    const count = runs.reduce((sum, r) => sum + r.events, 0);
    const per = (total: number) => Math.round((total / count) * 100) / 100;
    const benchMs = per(runs.reduce((sum, r) => sum + r.cpu.benchMs, 0));
    const serverMs = runs.every((r) => r.cpu.serverMs !== undefined)
      ? per(runs.reduce((sum, r) => sum + (r.cpu.serverMs ?? 0), 0))
      : undefined;
    const perRun = runs.map((r) => (r.cpu.benchMs + (r.cpu.serverMs ?? 0)) / r.events);
    return {
      ...(serverMs === undefined
        ? {}
        : { cpuSpreadMs: Math.round(((Math.max(...perRun) - Math.min(...perRun)) / 2) * 10) / 10 }),
      cpuPerWorkflowMs: serverMs === undefined ? { benchMs } : { benchMs, serverMs },
      ...(serverMs === undefined ? {} : { cpuMs: Math.round((benchMs + serverMs) * 100) / 100 }),
      latencyMs: roundSummary(summarize(runs.flatMap((r) => r.acceptedToReceivedSamples))),
      firedPerSecond: round1(runs.reduce((sum, r) => sum + r.firedPerSecond, 0) / runs.length),
    };
  };
  const ceiling = priced(measured[0] ?? []);
  const table = PRICED_VARIANTS.map(({ label, features }, index): PricedVariant => {
    const figures = priced(measured[index + 1] ?? []);
    return {
      label,
      features: describeFeatures(features),
      eventBytes: benchEventBytes(env, features.payload),
      historyEvents: histories[index]?.events ?? 0,
      historyBytes: histories[index]?.bytes ?? 0,
      ...figures,
      ...(ceiling.cpuMs !== undefined && figures.cpuMs !== undefined
        ? { cpuRatio: Math.round((ceiling.cpuMs / figures.cpuMs) * 1000) / 1000 }
        : {}),
    };
  });
  const allOn = table[0]?.cpuMs;
  for (const variant of table) {
    if (allOn !== undefined && variant.cpuMs !== undefined) {
      variant.savedCpuMs = Math.round((allOn - variant.cpuMs) * 100) / 100;
    }
  }
  return {
    ratePerSecond,
    eventsPerRun: events,
    rounds,
    ceiling,
    variants: table,
    errors: [...errors, ...measured.flat().flatMap((r) => r.errors)],
  };
}

/**
 * Reads back the history of one delivery of a variant and says where it does not match what the
 * variant claims to switch off (or keep), so that the table can never price a part that still ran.
 */
async function checkVariant(
  variant: HooklineVariant,
  eventId: string,
  env: BenchEnvironment,
): Promise<{ problems: string[]; history: { events: number; bytes: number } }> {
  const { features } = variant;
  const workflowId = deliveryWorkflowId(env.workspaceId, eventId);
  const history = await variant.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'postEvent');
  const atStart = Object.keys(started?.searchAttributes?.indexedFields ?? {});
  // The SDK upserts TemporalChangeVersion with each patch marker: it goes with the markers.
  const upserted = events
    .flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}))
    .filter((name) => name !== 'TemporalChangeVersion');
  const seen = {
    searchAttributes: atStart.length + upserted.length > 0,
    patchMarkers: events.some((e) => e.markerRecordedEventAttributes),
    summaries: Boolean(events[0]?.userMetadata?.summary) || scheduled.some((e) => e.userMetadata?.summary),
    codec: started?.input?.payloads?.some((p) => decodeUtf8(p.metadata?.encoding) === ENCRYPTED_ENCODING) ?? false,
  };
  const problems: string[] = [];
  for (const [part, present] of Object.entries(seen)) {
    const on = features[part as keyof typeof seen];
    if (present === on) continue;
    const which =
      part === 'searchAttributes' ? ` (at start: ${atStart.join(', ')}; upserted: ${upserted.join(', ')})` : '';
    problems.push(
      `variant "${describeFeatures(features)}": ${part} ${present ? 'present' : 'absent'}${which} in ${workflowId}`,
    );
  }
  if (scheduled.length !== 1)
    problems.push(`variant "${describeFeatures(features)}": ${scheduled.length} attempts in ${workflowId}`);
  return { problems, history: { events: events.length, bytes: Buffer.byteLength(JSON.stringify(history)) } };
}

function decodeUtf8(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

export function formatPrices(report: PriceReport): string {
  const rows: string[] = [
    '',
    `Hookline cost table, ${report.startedAt} (${report.durationSeconds} s): every variant and the ceiling ` +
      `at ${report.ratePerSecond}/s, ${report.rounds} runs of ${report.eventsPerRun} each`,
    '',
  ];
  const line = (cells: string[]) => rows.push(`  ${cells.join(' ')}`);
  const cpu = (r: PricedRun) =>
    `${r.cpuPerWorkflowMs.benchMs.toFixed(1)} + ${r.cpuPerWorkflowMs.serverMs?.toFixed(1) ?? '—'}`;
  const latency = (r: PricedRun) => `${r.latencyMs.p50.toFixed(1)} / ${r.latencyMs.p95.toFixed(1)}`;
  line([
    'variant'.padEnd(36),
    'event'.padStart(7),
    'CPU ms: bench + server'.padStart(23),
    'total'.padStart(6),
    '±'.padStart(4),
    'saved'.padStart(6),
    'ceil ÷'.padStart(6),
    'p50 / p95 ms'.padStart(14),
    'history'.padStart(16),
  ]);
  const c = report.ceiling;
  line([
    'ceiling (trivial workflow)'.padEnd(36),
    '—'.padStart(7),
    cpu(c).padStart(23),
    (c.cpuMs?.toFixed(1) ?? '—').padStart(6),
    (c.cpuSpreadMs?.toFixed(1) ?? '—').padStart(4),
    ''.padStart(6),
    '1.00'.padStart(6),
    latency(c).padStart(14),
    ''.padStart(16),
  ]);
  for (const v of report.variants) {
    line([
      v.label.padEnd(36),
      formatBytes(v.eventBytes).padStart(7),
      cpu(v).padStart(23),
      (v.cpuMs?.toFixed(1) ?? '—').padStart(6),
      (v.cpuSpreadMs?.toFixed(1) ?? '—').padStart(4),
      (v === report.variants[0] ? '' : (v.savedCpuMs?.toFixed(1) ?? '—')).padStart(6),
      (v.cpuRatio?.toFixed(2) ?? '—').padStart(6),
      latency(v).padStart(14),
      `${v.historyEvents} ev, ${formatBytes(v.historyBytes)}`.padStart(16),
    ]);
  }
  rows.push(
    '',
    '  CPU per delivery (per workflow for the ceiling) over each run and its 1 s tail; ±: half the range of its runs.',
    '  saved: "all on" minus this variant, ms of CPU per delivery (negative: costs more).',
    "  ceil ÷: the ceiling's CPU per workflow ÷ this variant's, the throughput ratio a CPU-bound machine approaches.",
    '  p50 / p95: start accepted → request received (ceiling: → activity running).',
    "  history: events and JSON size of one delivery's history, what the server writes for it.",
  );
  if (report.errors.length > 0) {
    rows.push('', `ERRORS (${report.errors.length}); the figures above are not to be trusted:`);
    for (const error of report.errors.slice(0, 10)) rows.push(`  ${error}`);
  }
  rows.push('');
  return rows.join('\n');
}
