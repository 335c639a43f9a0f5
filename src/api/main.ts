import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../db/client';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createApp } from './app';
import { startApiServer } from './server';

/**
 * `npm run api`: the API alone, against the Temporal server at TEMPORAL_ADDRESS (a worker runs
 * elsewhere). It starts even while Temporal is down: requests that need it answer 503 meanwhile.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log, 'hookline-api');
  const address = config.temporal.address ?? 'localhost:7233';
  const { namespace, taskQueue, uiUrl } = config.temporal;

  const { db, close: closeDb } = openDatabase(config.databasePath);
  const connection = Connection.lazy({ address });
  try {
    await connection.ensureConnected().catch((err: unknown) => {
      logger.warn({ err, address }, 'Temporal does not answer yet; requests that need it answer 503 until it does');
    });
    const client = new Client({ connection, namespace });
    const app = createApp({ db, temporal: { client, taskQueue, namespace, uiUrl }, logger });
    const server = await startApiServer(app, config.http);
    logger.info({ url: server.url, temporal: address, namespace, taskQueue }, 'API listening');

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'Stopping: finishing in-flight requests');
    await server.close();
  } finally {
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
