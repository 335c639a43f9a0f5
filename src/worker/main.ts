import { bootProcess, runUntilStopped } from '../runtime/process';
import { startHookline } from '../runtime/start-hookline';

/** `npm run worker`: the production worker, connected to TEMPORAL_ADDRESS (default localhost:7233). */
async function main(): Promise<void> {
  const { config, logger } = bootProcess('hookline-worker', process.env);
  const hookline = await startHookline({ config, logger, worker: {} });
  const { namespace, taskQueue } = config.temporal;
  logger.info({ address: hookline.temporalAddress, namespace, taskQueue }, 'Worker running');
  await runUntilStopped(hookline, logger);
  logger.info('Worker stopped');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
