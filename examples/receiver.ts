/**
 * A webhook receiver that verifies Hookline's Standard Webhooks signatures.
 *
 *   WEBHOOK_SECRET=whsec_... PORT=4000 npx tsx examples/receiver.ts
 *
 * It answers as soon as the signature is checked and handles the event afterwards: Hookline waits at most
 * 5 seconds for an answer and retries anything but a 2xx. The same event may arrive more than once (a
 * retry after a lost answer, or a redelivery); `webhook-id` is the event id, so keep the ids you have
 * handled and skip repeats.
 */
import http from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the webhook secret (GET /v1/webhooks/:id/secret).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4000);
const verifier = new Webhook(secret);
const MAX_BODY_BYTES = 1024 * 1024;
const handled = new Set<string>();

interface HooklineEvent {
  id: string;
  type: string;
  workspaceId: string;
  timestamp: string;
  data: Record<string, unknown>;
}

async function handle(event: HooklineEvent): Promise<void> {
  // Real work (database writes, calls to other services) goes here, after the answer was sent.
  console.log(`${event.timestamp} ${event.type} ${event.id}`, JSON.stringify(event.data));
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event: HooklineEvent;
    try {
      // Verifies the signature (any of the space-separated ones, so rotation is seamless) and that the
      // timestamp is recent, which stops replays.
      event = verifier.verify(body, req.headers as Record<string, string>) as HooklineEvent;
    } catch (err) {
      const reason = err instanceof WebhookVerificationError ? err.message : 'invalid payload';
      console.warn(`Rejected a delivery: ${reason}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(reason);
      return;
    }
    res.writeHead(204).end();
    if (handled.has(event.id)) return;
    handled.add(event.id);
    handle(event).catch((err: unknown) => console.error(`Handling ${event.id} failed`, err));
  });
});

server.listen(port, () => console.log(`Receiver listening on http://127.0.0.1:${port}/`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
