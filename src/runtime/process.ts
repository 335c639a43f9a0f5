import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../shared/config';
import { createLogger, temporalLogger } from '../shared/logger';
import type { Hookline } from './start-hookline';

/** What every process starts with: its configuration, parsed once, and its logger. */
export function bootProcess(name: string, env: NodeJS.ProcessEnv): { config: Config; logger: Logger } {
  const config = loadConfig(env);
  const logger = createLogger(config.log, name);
  // Signals are the entry file's to handle: it drains the worker and the API itself, in order.
  // The SDK's own metrics (polls, task latencies, slots) need its exporter, set once with the runtime.
  const sdkMetrics = config.metrics.sdkAddress
    ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.metrics.sdkAddress } } } }
    : {};
  Runtime.install({ logger: temporalLogger(logger, 'WARN'), shutdownSignals: [], ...sdkMetrics });
  return { config, logger };
}

/**
 * Runs until SIGINT or SIGTERM (or until the worker stops by itself, which is an error), then stops
 * everything gracefully. A second SIGINT while stopping ends the process at once.
 */
export async function runUntilStopped(hookline: Hookline, logger: Logger): Promise<void> {
  try {
    const signal = await new Promise<NodeJS.Signals>((resolve, reject) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
      hookline.worker?.done.then(
        () => reject(new Error('The worker stopped unexpectedly')),
        (err: unknown) => reject(new Error('The worker failed', { cause: err })),
      );
    });
    logger.info({ signal }, 'Stopping: finishing in-flight requests and attempts');
    process.once('SIGINT', () => process.exit(130));
  } finally {
    await hookline.close();
  }
}
