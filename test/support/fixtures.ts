import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type ConnectionLike } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createHttpSender, type HttpSender } from '../../src/activities/http';
import type { EventEnvelope } from '../../src/contract/delivery';
import { EVENT_TYPE_CATALOGUE, type EventType } from '../../src/contract/event-types';
import { openDatabase, type Db } from '../../src/db/client';
import { createWorkspace } from '../../src/db/workspaces';
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

export interface TempDatabase {
  db: Db;
  file: string;
  close(): void;
}

/** A real SQLite file in a fresh temporary folder, migrated. */
export function openTempDatabase(): TempDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-test-'));
  const file = path.join(dir, 'hookline.db');
  const { db, close } = openDatabase(file, { cipher: testEncryption.cipher });
  return {
    db,
    file,
    close() {
      close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function newWorkspaceId(db: Db): string {
  return createWorkspace(db, uniqueName('workspace')).id;
}

export function buildEvent(workspaceId: string, type: EventType = 'lead.created'): EventEnvelope {
  return {
    id: `evt_${randomUUID()}`,
    type,
    workspaceId,
    timestamp: new Date().toISOString(),
    data: { ...EVENT_TYPE_CATALOGUE[type].example },
  };
}

/** A worker on its own task queue, running the prebuilt test bundle against the real SQLite file. */
export async function startTestWorker(
  connection: NativeConnection,
  db: Db,
  http: HttpSender = createHttpSender(testGuard),
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
  });
  return { worker, taskQueue, http };
}
