import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebhook } from '../../src/db/webhooks';
import { startDelivery } from '../../src/emit/start-delivery';
import { SEARCH_ATTRIBUTES, deliveryWorkflowId } from '../../src/contract/delivery';
import { startDevServer } from '../../src/temporal-server/servers';
import {
  buildEvent,
  newWorkspaceId,
  openTempDatabase,
  startTestWorker,
  testClient,
  testEncryption,
  type TempDatabase,
} from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';

let env: TestWorkflowEnvironment;
let temp: TempDatabase;
let receiver: Receiver;

beforeAll(async () => {
  env = await startDevServer({
    executable: inject('devServerExecutable'),
    dataConverter: testEncryption.dataConverter,
  });
  temp = await openTempDatabase();
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await env?.teardown();
  await temp?.close();
});

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Not observed within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('delivery on the Temporal dev server', () => {
  it('delivers an event emitted twice exactly once and lists it by webhook id', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const webhook = await createWebhook(temp.db, { workspaceId, url: receiver.url, events: ['document.extracted'] });
    const event = buildEvent(workspaceId, 'document.extracted');
    // Client and worker share one connection, as in `npm start`, so that eager start can be used.
    const client = testClient(env.nativeConnection);
    const { worker, taskQueue, http } = await startTestWorker(env.nativeConnection, temp.db);

    const { first, second, result } = await worker.runUntil(async () => {
      const first = await startDelivery({ event }, { client, taskQueue, eagerStart: true });
      const second = await startDelivery({ event }, { client, taskQueue, eagerStart: true });
      const result = await first.handle.result();
      return { first, second, result };
    });
    await http.close();

    expect(first).toMatchObject({ started: true, workflowId: deliveryWorkflowId(workspaceId, event.id) });
    expect(second).toMatchObject({ started: false, workflowId: first.workflowId });
    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 1, statusCode: 200 }]);
    const arrived = receiver.requests.filter((req) => req.headers['webhook-id'] === event.id);
    expect(arrived).toHaveLength(1);
    expect(JSON.parse(arrived[0]!.body)).toEqual(event);

    const query = `${SEARCH_ATTRIBUTES.webhookIds.name} = '${webhook.id}' AND ${SEARCH_ATTRIBUTES.workspaceId.name} = '${workspaceId}'`;
    const listed = await eventually(async () => {
      const found: string[] = [];
      for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
      return found.length > 0 ? found : undefined;
    });
    expect(listed).toEqual([first.workflowId]);

    const description = await first.handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(await description.staticSummary()).toBe(
      `document.extracted for workspace ${workspaceId} (event ${event.id})`,
    );

    // The live history replays on the current workflow code.
    const history = await first.handle.fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testEncryption.dataConverter },
      history,
      first.workflowId,
    );
  });
});
