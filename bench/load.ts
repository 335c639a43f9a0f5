import { setTimeout as sleep } from 'node:timers/promises';

export interface ClosedLoopResult {
  /** Milliseconds from the first start to the last completion. */
  elapsedMs: number;
  completed: number;
  errors: string[];
  /** Completions per second over the whole run, ramp-up and drain included. */
  perSecond: number;
}

/**
 * Runs `total` tasks with exactly `concurrency` in flight until the last ones drain: each lane starts
 * the next task as soon as its previous one completes.
 */
export async function runClosedLoop(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  onDone: () => void,
): Promise<ClosedLoopResult> {
  let next = 0;
  let completed = 0;
  const errors: string[] = [];
  const started = performance.now();
  const lane = async () => {
    while (next < total) {
      const index = next++;
      try {
        await task(index);
        completed++;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  const elapsedMs = performance.now() - started;
  return { elapsedMs, completed, errors, perSecond: (completed / elapsedMs) * 1000 };
}

export interface OpenLoopResult {
  /** Achieved rate of calls, per second. */
  firedPerSecond: number;
  /** How late calls were fired against their schedule: a large figure means the load generator lagged. */
  maxLagMs: number;
  errors: string[];
}

/**
 * Fires `count` calls at a fixed rate whatever happens to earlier ones (open loop): a slow call never
 * delays the next. A call that falls behind schedule is fired at once.
 */
export async function runOpenLoop(
  count: number,
  perSecond: number,
  fire: (index: number) => Promise<void>,
): Promise<OpenLoopResult> {
  const intervalMs = 1000 / perSecond;
  const errors: string[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let maxLagMs = 0;
  for (let index = 0; index < count; index++) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inFlight.push(
      fire(index).catch((err: unknown) => {
        errors.push(err instanceof Error ? err.message : String(err));
      }),
    );
  }
  const firedMs = performance.now() - started;
  await Promise.all(inFlight);
  return { firedPerSecond: count > 1 ? ((count - 1) / firedMs) * 1000 : 0, maxLagMs, errors };
}
