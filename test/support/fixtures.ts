import type { AutoDisablePolicy } from '../../src/contract/health';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type ConnectionLike } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createHttpSender, type HttpSender } from '../../src/activities/http';
import type { EventEnvelope } from '../../src/contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import type { CatalogueEventType } from '../../src/contract/event-types';
import { openDatabase, type Db } from '../../src/db/client';
import { DIALECTS, type Dialect } from '../../src/db/handle';
import { createWorkspace } from '../../src/db/workspaces';
import { createTestDatabase } from './postgres';
import { fromKeyring, type Encryption } from '../../src/runtime/encryption';
import { createKeyring, formatKeyring, generateKey, generateKeyId } from '../../src/security/keyring';
import type { GuardOptions } from '../../src/security/network-guard';
import { loadConfig, type Config } from '../../src/shared/config';
import { createWorker } from '../../src/worker/create-worker';

/**
 * Tests reach their loopback receivers through the setting an operator would use for local development,
 * never by switching the guard off.
 */
export const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128';

/** A key of the test run's own, so encryption is on in every test as it is in production. */
const TEST_KEYS = formatKeyring(createKeyring([[generateKeyId(), generateKey()]]));

export const TEMPORAL_UI_URL = 'http://temporal-ui.test:8233';

/** The configuration the tests run with: a free loopback port, a quiet log, loopback receivers allowed. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    TEMPORAL_UI_URL,
    HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
    HOOKLINE_ENCRYPTION_KEYS: TEST_KEYS,
    // A health workflow outlives the test that started it, and its timers would wake on a task queue no
    // worker polls any more; the tests of auto-disable turn it on.
    HOOKLINE_AUTO_DISABLE_AFTER_HOURS: '0',
    ...overrides,
  });
}

const config = testConfig();

/** What the tests encrypt with, built as every process builds it. */
export const testEncryption: Encryption = fromKeyring(
  config.encryption.keyring as NonNullable<Config['encryption']['keyring']>,
);

/** The guard as the tests' workers run it: public networks and loopback. */
export const testGuard: GuardOptions = { allowedNetworks: config.network.allowedNetworks };

/** A client that encrypts as Hookline's own do, so it reads what workers write. */
export function testClient(connection: ConnectionLike): Client {
  return new Client({ connection, namespace: 'default', dataConverter: testEncryption.dataConverter });
}

/** The stores the repository and API tests run on, each of them. */
export const STORES = [DIALECTS.sqlite, DIALECTS.postgres] as const satisfies readonly Dialect[];

export interface TempDatabase {
  db: Db;
  store: Dialect;
  /** The SQLite file; empty on PostgreSQL. */
  file: string;
  /** What tells a Hookline process to open this same database: `DATABASE_URL`, or `DATABASE_PATH`. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: a real SQLite file in a temporary folder, or a database of its own on the
 * test run's PostgreSQL server.
 */
export async function openTempDatabase(store: Dialect = DIALECTS.sqlite): Promise<TempDatabase> {
  const options = { cipher: testEncryption.cipher };
  if (store === DIALECTS.postgres) {
    const database = await createTestDatabase(inject('postgresAdminUrl'));
    const { db, close } = await openDatabase({ dialect: store, url: database.url }, options).catch(async (err) => {
      await database.drop();
      throw err;
    });
    return {
      db,
      store,
      file: '',
      env: { DATABASE_URL: database.url },
      async close() {
        await close();
        await database.drop();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-test-'));
  const file = path.join(dir, 'hookline.db');
  const { db, close } = await openDatabase({ dialect: store, path: file }, options);
  return {
    db,
    store,
    file,
    env: { DATABASE_PATH: file },
    async close() {
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export async function newWorkspaceId(db: Db): Promise<string> {
  return (await createWorkspace(db, uniqueName('workspace'))).id;
}

/** An event of `type` carrying that type's example data. */
export function buildEvent(workspaceId: string, type: CatalogueEventType = 'lead.created'): EventEnvelope {
  return {
    id: `evt_${randomUUID()}`,
    type,
    workspaceId,
    timestamp: new Date().toISOString(),
    data: { ...EVENT_DATA_EXAMPLES[type] },
  };
}

/** A worker on its own task queue, running the prebuilt test bundle against the real SQLite file. */
export async function startTestWorker(
  connection: NativeConnection,
  db: Db,
  http: HttpSender = createHttpSender(testGuard),
  options: { autoDisable?: AutoDisablePolicy | null } = { autoDisable: null },
) {
  const taskQueue = uniqueName('queue');
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    db,
    http,
    dataConverter: testEncryption.dataConverter,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...options,
  });
  return { worker, taskQueue, http };
}
