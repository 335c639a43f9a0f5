import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { CATALOGUE_EVENT_TYPES, PING_EVENT_TYPE } from '../contract/event-types';
import { DELIVERY_FAILURE_TYPES, DELIVERY_TRIGGERS } from '../contract/delivery';

/** How a delivery or one attempt ended. */
export type MetricOutcome = 'succeeded' | 'failed';

/**
 * The process's Prometheus metrics, created once per process by `startHookline` and handed to the
 * worker and the API like the logger. Every label takes its value from a closed list: event types of
 * the catalogue, failure types, triggers. Anything else is counted as `other`, so that no URL, id or
 * caller-chosen string ever becomes a time series.
 */
export interface HooklineMetrics {
  registry: Registry;
  /** A delivery to one webhook ended: delivered, or failed for good (not retryable, or its last attempt). */
  deliveryEnded(outcome: MetricOutcome, eventType: string): void;
  /** One attempt ended; `durationSeconds` is the HTTP request's, absent when no request was made. */
  attemptEnded(outcome: MetricOutcome, failureType: string | undefined, durationSeconds?: number): void;
  /** `POST /v1/events` accepted an event, new or repeated. */
  eventEmitted(eventType: string, created: boolean, durationSeconds: number): void;
  recoveryStarted(): void;
  redeliveryStarted(trigger: string): void;
  /** The text exposition of every metric, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const OTHER = 'other';
const EVENT_TYPES = new Set<string>([...CATALOGUE_EVENT_TYPES, PING_EVENT_TYPE]);
const FAILURE_TYPES = new Set<string>(Object.values(DELIVERY_FAILURE_TYPES));
const TRIGGERS = new Set<string>(DELIVERY_TRIGGERS);
const bounded = (allowed: ReadonlySet<string>, value: string | undefined) =>
  value !== undefined && allowed.has(value) ? value : OTHER;

/** Receivers have 5 s to answer; the buckets cover fast answers finely and end past the timeout. */
const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An emit is a call or two to Temporal. */
const EMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * A registry of its own (never prom-client's global one), with the process's default metrics: two
 * Hookline instances in one process (the tests) each count their own work.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): HooklineMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const deliveries = new Counter({
    name: 'hookline_deliveries_total',
    help: 'Deliveries to one webhook that ended, by outcome and event type.',
    labelNames: ['outcome', 'event_type'] as const,
    registers,
  });
  const attempts = new Counter({
    name: 'hookline_delivery_attempts_total',
    help: 'Delivery attempts, by outcome and failure type (none for a success).',
    labelNames: ['outcome', 'failure_type'] as const,
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'hookline_delivery_attempt_duration_seconds',
    help: "How long receivers took to answer an attempt's request (or to fail it).",
    buckets: ATTEMPT_BUCKETS,
    registers,
  });
  const emitted = new Counter({
    name: 'hookline_events_emitted_total',
    help: 'Events accepted by POST /v1/events; created="false" for a repeated id or idempotency key.',
    labelNames: ['event_type', 'created'] as const,
    registers,
  });
  const emitDuration = new Histogram({
    name: 'hookline_emit_duration_seconds',
    help: 'How long accepting an event took, Temporal calls included.',
    buckets: EMIT_BUCKETS,
    registers,
  });
  const recoveries = new Counter({
    name: 'hookline_recoveries_started_total',
    help: 'Recoveries of failed deliveries started (a repeated request for the same window is not counted).',
    registers,
  });
  const redeliveries = new Counter({
    name: 'hookline_redeliveries_total',
    help: 'Redeliveries started, by what started them (redelivery: the API; recovery: a recovery).',
    labelNames: ['trigger'] as const,
    registers,
  });

  return {
    registry,
    deliveryEnded(outcome, eventType) {
      deliveries.inc({ outcome, event_type: bounded(EVENT_TYPES, eventType) });
    },
    attemptEnded(outcome, failureType, durationSeconds) {
      attempts.inc({ outcome, failure_type: outcome === 'succeeded' ? 'none' : bounded(FAILURE_TYPES, failureType) });
      if (durationSeconds !== undefined) attemptDuration.observe(durationSeconds);
    },
    eventEmitted(eventType, created, durationSeconds) {
      emitted.inc({ event_type: bounded(EVENT_TYPES, eventType), created: String(created) });
      emitDuration.observe(durationSeconds);
    },
    recoveryStarted() {
      recoveries.inc();
    },
    redeliveryStarted(trigger) {
      redeliveries.inc({ trigger: bounded(TRIGGERS, trigger) });
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A bare `GET /metrics` listener for a process without the API (a worker alone). It answers nothing
 * else, needs no authentication, and is meant for the scraper's network only.
 */
export async function startMetricsServer(
  metrics: HooklineMetrics,
  options: { host: string; port: number },
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('Could not collect metrics\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
