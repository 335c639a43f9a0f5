import { startDelivery } from '../src/emit/start-delivery';
import { EVENT_DATA_EXAMPLES } from '../src/contract/event-data';
import type { EventEnvelope } from '../src/contract/delivery';
import { BENCH_EVENT_TYPE, type BenchEnvironment, type HooklineVariant } from './environment';
import type { DeliveryFeatures } from './features';
import { runClosedLoop, runOpenLoop, type ClosedLoopResult, type OpenLoopResult } from './load';
import { summarize, type LatencySummary } from './stats';
import type { trivialWorkflow } from './workflows';

/** How long the last deliveries of a phase may take to arrive before the phase is declared broken. */
const ARRIVAL_TIMEOUT_MS = 60_000;

export interface SaturationResult extends ClosedLoopResult {
  /** Milliseconds from workflow start to its one activity running (trivial) or its request received (Hookline). */
  startToWork: number[];
  /** Milliseconds from workflow start to its result returned. */
  startToResult: number[];
}

export interface LatencyResult extends OpenLoopResult {
  ratePerSecond: number;
  events: number;
  /** startDelivery resolved → request received by the receiver: the figure with the target. */
  acceptedToReceived: LatencySummary;
  /** The samples behind it, to pool several runs. */
  acceptedToReceivedSamples: number[];
  /** startDelivery called → resolved: the start round trip. */
  callToAccepted: LatencySummary;
  /** startDelivery called → request received. */
  callToReceived: LatencySummary;
}

export interface PhaseContext {
  env: BenchEnvironment;
  /** The Hookline worker and client the deliveries go through; by default `env.hookline`. */
  variant?: HooklineVariant;
  eager: boolean;
  /** Keeps workflow and event ids unique across phases. */
  prefix: string;
}

/** Trivial workflows with `concurrency` in flight, each awaited to its result. */
export async function saturateTrivial(
  { env, eager, prefix }: PhaseContext,
  count: number,
  concurrency: number,
  onDone: () => void,
): Promise<SaturationResult> {
  const starts = new Map<string, number>();
  const toResult: number[] = [];
  const loop = await runClosedLoop(
    count,
    concurrency,
    async (index) => {
      const workflowId = `${prefix}-${index}`;
      const started = performance.now();
      starts.set(workflowId, started);
      const handle = await env.client.workflow.start<typeof trivialWorkflow>('trivialWorkflow', {
        workflowId,
        taskQueue: env.trivialTaskQueue,
        args: [],
        requestEagerStart: eager,
      });
      await handle.result();
      toResult.push(performance.now() - started);
    },
    onDone,
  );
  return {
    ...loop,
    startToWork: delays(starts, env.trivialActivityRuns),
    startToResult: toResult,
  };
}

/** Hookline deliveries through `startDelivery` with `concurrency` in flight, each awaited to its result. */
export async function saturateHookline(
  context: PhaseContext,
  count: number,
  concurrency: number,
  onDone: () => void,
): Promise<SaturationResult> {
  const { env, prefix, variant = env.hookline } = context;
  const starts = new Map<string, number>();
  const toResult: number[] = [];
  const loop = await runClosedLoop(
    count,
    concurrency,
    async (index) => {
      const event = benchEvent(env, `${prefix}-${index}`, variant.features.payload);
      const started = performance.now();
      starts.set(event.id, started);
      const { handle } = await startBenchDelivery(context, event);
      const result = await handle.result();
      toResult.push(performance.now() - started);
      const failed = result.deliveries.filter((d) => d.outcome !== 'succeeded');
      if (result.deliveries.length !== 1 || failed.length > 0) {
        throw new Error(`event ${event.id}: unexpected deliveries ${JSON.stringify(result.deliveries)}`);
      }
    },
    onDone,
  );
  return {
    ...loop,
    startToWork: delays(starts, env.receiver.arrivals),
    startToResult: toResult,
  };
}

/**
 * Emits at a fixed rate (open loop) and times each event from `startDelivery` resolving to its request
 * reaching the receiver.
 */
export async function measureLatency(
  context: PhaseContext,
  ratePerSecond: number,
  count: number,
  onAccepted: () => void,
): Promise<LatencyResult> {
  const { env, prefix, variant = env.hookline } = context;
  const calls = new Map<string, number>();
  const accepted = new Map<string, number>();
  const ids: string[] = [];
  const loop = await runOpenLoop(count, ratePerSecond, async (index) => {
    const event = benchEvent(env, `${prefix}-${index}`, variant.features.payload);
    ids.push(event.id);
    calls.set(event.id, performance.now());
    await startBenchDelivery(context, event);
    accepted.set(event.id, performance.now());
    onAccepted();
  });
  await env.receiver.waitFor(
    ids.filter((id) => accepted.has(id)),
    ARRIVAL_TIMEOUT_MS,
  );
  return {
    ...loop,
    ratePerSecond,
    events: count,
    ...received(delays(accepted, env.receiver.arrivals)),
    callToAccepted: summarize(delays(calls, accepted)),
    callToReceived: summarize(delays(calls, env.receiver.arrivals)),
  };
}

/**
 * Deliveries whose first attempt the receiver answers 500, so that each is retried once (a minute
 * later, on Hookline's schedule), all started at once and awaited to their results.
 */
export async function deliverRetriedOnce(
  context: PhaseContext,
  count: number,
  onDone: () => void,
): Promise<{ completed: number; errors: string[]; workflowIds: string[] }> {
  const { env, prefix, variant = env.hookline } = context;
  env.receiver.failFirstAttempt(`${prefix}-`);
  const errors: string[] = [];
  const workflowIds: string[] = [];
  let completed = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      try {
        const event = benchEvent(env, `${prefix}-${index}`, variant.features.payload);
        const { handle, workflowId } = await startBenchDelivery(context, event);
        workflowIds.push(workflowId);
        const result = await handle.result();
        const attempts = result.deliveries.map((d) => `${d.outcome} after ${d.attempts}`);
        if (attempts.join() !== 'succeeded after 2') throw new Error(`event ${event.id}: ${attempts.join(', ')}`);
        completed++;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
      onDone();
    }),
  );
  return { completed, errors, workflowIds };
}

/**
 * Starts trivial workflows at a fixed rate (open loop) and times each from its start call resolving to
 * its activity running: the ceiling's counterpart of {@link measureLatency}.
 */
export async function paceTrivial(
  { env, eager, prefix }: PhaseContext,
  ratePerSecond: number,
  count: number,
  onDone: () => void,
): Promise<LatencyResult> {
  const calls = new Map<string, number>();
  const accepted = new Map<string, number>();
  const ran = new Map<string, number>();
  const loop = await runOpenLoop(count, ratePerSecond, async (index) => {
    const workflowId = `${prefix}-${index}`;
    calls.set(workflowId, performance.now());
    const handle = await env.client.workflow.start<typeof trivialWorkflow>('trivialWorkflow', {
      workflowId,
      taskQueue: env.trivialTaskQueue,
      args: [],
      requestEagerStart: eager,
    });
    accepted.set(workflowId, performance.now());
    await handle.result();
    const at = env.trivialActivityRuns.get(workflowId);
    if (at !== undefined) ran.set(workflowId, at);
    onDone();
  });
  return {
    ...loop,
    ratePerSecond,
    events: count,
    ...received(delays(accepted, ran)),
    callToAccepted: summarize(delays(calls, accepted)),
    callToReceived: summarize(delays(calls, ran)),
  };
}

/** One event through `startDelivery`, as the API emits it: subscriptions resolved here, at emit. */
function startBenchDelivery({ env, eager, variant = env.hookline }: PhaseContext, event: EventEnvelope) {
  return startDelivery(
    { event },
    { client: variant.client, taskQueue: variant.taskQueue, eagerStart: eager, resolveEndpoints: env.resolveEndpoints },
  );
}

function received(samples: number[]) {
  return { acceptedToReceived: summarize(samples), acceptedToReceivedSamples: samples };
}

function benchEvent(env: BenchEnvironment, id: string, payload: DeliveryFeatures['payload']): EventEnvelope {
  const event: EventEnvelope = {
    id,
    type: BENCH_EVENT_TYPE,
    workspaceId: env.workspaceId,
    timestamp: new Date().toISOString(),
    data: payload === 'minimal' ? {} : { ...EVENT_DATA_EXAMPLES[BENCH_EVENT_TYPE] },
  };
  if (typeof payload === 'number') {
    const missing = payload - Buffer.byteLength(JSON.stringify(event)) - ',"padding":""'.length;
    if (missing > 0) event.data = { ...event.data, padding: 'x'.repeat(missing) };
  }
  return event;
}

/** The size of the event JSON a delivery of these features carries, for reports. */
export function benchEventBytes(env: BenchEnvironment, payload: DeliveryFeatures['payload']): number {
  return Buffer.byteLength(JSON.stringify(benchEvent(env, 'evt_bench_size', payload)));
}

/** `to − from` for every key present in both maps. */
function delays(from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const [key, start] of from) {
    const end = to.get(key);
    if (end !== undefined) out.push(end - start);
  }
  return out;
}
