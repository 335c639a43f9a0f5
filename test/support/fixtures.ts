import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createHttpSender, type HttpSender } from '../../src/activities/http';
import { openDatabase, type Db } from '../../src/db/client';
import { createWorkspace } from '../../src/db/workspaces';
import type { EventEnvelope } from '../../src/contract/delivery';
import { EVENT_TYPE_CATALOGUE, type EventType } from '../../src/contract/event-types';
import { createWorker } from '../../src/worker/create-worker';

export interface TempDatabase {
  db: Db;
  file: string;
  close(): void;
}

/** A real SQLite file in a fresh temporary folder, migrated. */
export function openTempDatabase(): TempDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-test-'));
  const file = path.join(dir, 'hookline.db');
  const { db, close } = openDatabase(file);
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
export async function startTestWorker(connection: NativeConnection, db: Db, http: HttpSender = createHttpSender()) {
  const taskQueue = uniqueName('queue');
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    db,
    http,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  return { worker, taskQueue, http };
}
