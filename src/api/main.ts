import { bootProcess, runUntilStopped } from '../runtime/process';
import { startHookline } from '../runtime/start-hookline';

/**
 * `npm run api`: the API alone, against the Temporal server at TEMPORAL_ADDRESS (a worker runs
 * elsewhere). It starts even while Temporal is down: requests that need it answer 503 meanwhile.
 */
async function main(): Promise<void> {
  const { config, logger } = bootProcess('hookline-api', process.env);
  const hookline = await startHookline({ config, logger, api: {} });
  const { namespace, taskQueue } = config.temporal;
  logger.info({ url: hookline.api?.url, temporal: hookline.temporalAddress, namespace, taskQueue }, 'API listening');
  await runUntilStopped(hookline, logger);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
