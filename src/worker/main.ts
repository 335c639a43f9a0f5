import { NativeConnection, Runtime } from '@temporalio/worker';
import { createHttpSender } from '../activities/http';
import { openDatabase } from '../db/client';
import { loadConfig } from '../shared/config';
import { createLogger, temporalLogger } from '../shared/logger';
import { registerSearchAttributes } from '../temporal-server/servers';
import { createWorker } from './create-worker';

/** `npm run worker`: the production worker, connected to TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log, 'hookline-worker');
  // The SDK drains the worker on SIGINT/SIGTERM: polling stops and running activities finish.
  Runtime.install({ logger: temporalLogger(logger), shutdownSignals: ['SIGINT', 'SIGTERM'] });

  const address = config.temporal.address ?? 'localhost:7233';
  const { db, close: closeDb } = openDatabase(config.databasePath);
  const connection = await NativeConnection.connect({ address });
  const http = createHttpSender();
  try {
    const added = await registerSearchAttributes(connection, config.temporal.namespace).catch((err: unknown) => {
      logger.warn({ err }, 'Could not register search attributes; declare them on the server yourself');
      return [];
    });
    if (added.length > 0) logger.info({ added }, 'Registered search attributes');
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      db,
      http,
    });
    logger.info(
      { address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue },
      'Worker running',
    );
    await worker.run();
    logger.info('Worker stopped');
  } finally {
    await http.close();
    await connection.close();
    closeDb();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
