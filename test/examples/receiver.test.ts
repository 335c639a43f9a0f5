import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import { createHooklineClient, type HooklineClient } from '../../src/index';
import { PROJECT_ROOT } from '../../src/temporal-server/provision';
import { eventually, newWorkspaceWithKey, startTimeSkippingApiStack, type ApiStack } from '../api/harness';
import { freePort } from '../support/processes';

/** `examples/receiver.ts` run as its comment says, with its environment, as a real delivery's target. */
interface ExampleReceiver {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

async function startExampleReceiver(secret: string): Promise<ExampleReceiver> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('examples', 'receiver.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, WEBHOOK_SECRET: secret, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(async () => output.includes('Receiver listening'), { timeoutMs: 30_000, what: 'the receiver' });
  return { url: `http://127.0.0.1:${port}/hooks`, child, output: () => output, exited };
}

let stack: ApiStack;
let client: HooklineClient;
let receiver: ExampleReceiver | undefined;

beforeAll(async () => {
  stack = await startTimeSkippingApiStack();
  const { key } = await newWorkspaceWithKey(stack.temp.db);
  client = createHooklineClient({ baseUrl: stack.api.url, apiKey: key });
});

afterAll(async () => {
  receiver?.child.kill('SIGKILL');
  await stack?.stop();
});

describe('examples/receiver.ts', () => {
  it('verifies a real delivery, acknowledges it with a 204 and prints the event', async () => {
    // The webhook's secret is generated; the receiver is started with it, as its comment tells.
    const port = await freePort();
    const webhook = await client.createWebhook({
      body: { url: `http://127.0.0.1:${port}/hooks`, events: ['lead.created'] },
    });
    const { secret } = await client.getWebhookSecret({ path: { id: webhook.id } });
    receiver = await startExampleReceiver(secret);
    await client.updateWebhook({ path: { id: webhook.id }, body: { url: receiver.url } });

    const data = { ...EVENT_DATA_EXAMPLES['lead.created'] };
    const event = await client.emitEvent({ body: { type: 'lead.created', data } });

    const status = await eventually(
      async () => {
        const current = await client.getEvent({ path: { id: event.id } });
        return current.deliveries[0]?.status === 'succeeded' && current;
      },
      { what: 'the delivery to succeed' },
    );
    expect(status.deliveries[0]).toMatchObject({ attempts: 1, lastStatusCode: 204 });
    await eventually(async () => receiver!.output().includes(event.id), { what: 'the printed event' });
    expect(receiver.output()).toContain(`${event.timestamp} lead.created ${event.id} ${JSON.stringify(data)}`);
  });

  it('refuses a request whose signature does not verify, and prints why', async () => {
    const running = receiver ?? (await startExampleReceiver(`whsec_${Buffer.alloc(24, 7).toString('base64')}`));
    const body = JSON.stringify({ id: 'evt_forged', type: 'lead.created', data: {} });
    const response = await fetch(running.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body,
    });
    expect(response.status).toBe(400);
    await eventually(async () => running.output().includes('Rejected a delivery'), { what: 'the rejection' });
    expect(running.output()).not.toContain('evt_forged');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const running = receiver ?? (await startExampleReceiver(`whsec_${Buffer.alloc(24, 7).toString('base64')}`));
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    receiver = undefined;
  });
});
