import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DeliveryFeatures } from './features';

export interface BenchOptions {
  /** Events delivered in the saturation phase. @default 1000 */
  events: number;
  /** Workflows in flight in every saturation run, ceiling and Hookline alike. @default 50 */
  concurrency: number;
  /**
   * Hookline's events are run in this many parts, each between two runs of the ceiling, so that drift in
   * what else the machine does hits both alike. @default 4
   */
  rounds: number;
  /** Workflows of each kind run before measuring, to warm the JIT, caches and connections. @default 100 */
  warmup: number;
  /** Length of the open-loop latency phase. @default 20 */
  latencySeconds: number;
  /** Arrival rate of the latency phase, per second. @default half the measured ceiling */
  rate?: number;
  /** Start workflows with `requestEagerStart`. @default true */
  eager: boolean;
  /** Which parts of a delivery run; every deployment has them all on (see bench/features.ts). */
  features: DeliveryFeatures;
  /** Run the cost table instead: each part of a delivery switched off in turn. @default false */
  price: boolean;
  /** Events per run of the cost table. @default 200 */
  priceEvents: number;
  /** Arrival rate of every run of the cost table, per second. @default 25 */
  priceRate: number;
  /** Runs of each variant in the cost table. @default 3 */
  priceRounds: number;
  /** Deliveries retried once, to count what a retry costs Temporal (a minute: the first retry's wait). @default true */
  retryPhase: boolean;
  /** End with the multi-process phase: two APIs and two workers against one API and worker. @default true */
  multiProcess: boolean;
  /** Events emitted through the APIs in each layout of the multi-process phase. @default 600 */
  processEvents: number;
  /** Where the figures are written as JSON. @default bench/results/latest.json */
  json: string;
  /** Run the noisy-neighbour comparison instead (see bench/noisy.ts). @default false */
  noisy: boolean;
  /** Activity slots of the worker in the noisy comparison, besides the SDK's 100; unset: Hookline's default. */
  workerSlots?: number;
}

export const USAGE = `Usage: npm run bench -- [options]

  --events N            events in the saturation phase (default 1000)
  --concurrency N       workflows in flight while saturating (default 50)
  --rounds N            Hookline runs, each between two ceiling runs (default 4)
  --warmup N            workflows of each kind run before measuring (default 100)
  --latency-seconds S   length of the open-loop latency phase (default 20)
  --rate R              latency-phase arrivals per second (default: half the measured ceiling)
  --no-eager            start workflows without requestEagerStart

  Parts of a delivery, switched off only here, to price them (every deployment has them all on):
  --no-search-attributes  no search attributes at start, no upserts in the workflow
  --no-patch-markers    patches taken without markers (nor the SDK's TemporalChangeVersion upserts)
  --no-summaries        no workflow summary at start, no activity summaries
  --payload P           the event's data: example (default), minimal ({}), or a size in bytes of the event
  --no-codec            payloads unencrypted
  --no-post             attempts answered 200 in memory instead of a POST to the receiver
  --price               instead: the cost table, each part off in turn, all off, and a larger event,
                        against the ceiling, all at one arrival rate (about 6 minutes)
  --price-rate R        arrivals per second in every run of the cost table (default 25)
  --price-events N      events per run of the cost table (default 200)
  --price-rounds N      runs of each variant in the cost table (default 3)

  --no-retry-phase      skip counting what a retry costs (20 deliveries whose first attempt fails; 1 minute)
  --no-multi-process    skip the last phase: two APIs and two worker processes on PostgreSQL against
                        one process serving both, events emitted over HTTP
  --process-events N    events in each layout of that phase (default 600)
  --json PATH           where to write the figures (default bench/results/latest.json)
  --noisy               instead: one workspace's 200 hanging endpoints against another's healthy one,
                        with 100 and with Hookline's activity slots, each with task-queue fairness
                        off and on (about 3 minutes)
  --worker-slots N      activity slots for --noisy (default: Hookline's, HOOKLINE_WORKER_MAX_ACTIVITIES)
  --help                show this text`;

export class BenchOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchOptionsError';
  }
}

/** Parses the command line; returns undefined when help was asked for. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    strict: true,
    options: {
      events: { type: 'string' },
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'latency-seconds': { type: 'string' },
      rate: { type: 'string' },
      eager: { type: 'boolean', default: true },
      codec: { type: 'boolean', default: true },
      'search-attributes': { type: 'boolean', default: true },
      'patch-markers': { type: 'boolean', default: true },
      summaries: { type: 'boolean', default: true },
      payload: { type: 'string' },
      post: { type: 'boolean', default: true },
      price: { type: 'boolean', default: false },
      'price-events': { type: 'string' },
      'price-rate': { type: 'string' },
      'price-rounds': { type: 'string' },
      'multi-process': { type: 'boolean', default: true },
      'retry-phase': { type: 'boolean', default: true },
      'process-events': { type: 'string' },
      json: { type: 'string' },
      noisy: { type: 'boolean', default: false },
      'worker-slots': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const options = {
    events: integer('--events', values.events, 1000, 1),
    concurrency: integer('--concurrency', values.concurrency, 50, 1),
    rounds: integer('--rounds', values.rounds, 4, 1),
    warmup: integer('--warmup', values.warmup, 100, 0),
    latencySeconds: positive('--latency-seconds', values['latency-seconds'], 20),
    rate: values.rate === undefined ? undefined : positive('--rate', values.rate, 0),
    eager: values.eager,
    features: {
      searchAttributes: values['search-attributes'],
      patchMarkers: values['patch-markers'],
      summaries: values.summaries,
      payload: payloadOption(values.payload),
      codec: values.codec,
      post: values.post,
    },
    price: values.price,
    priceEvents: integer('--price-events', values['price-events'], 200, 1),
    priceRate: positive('--price-rate', values['price-rate'], 25),
    priceRounds: integer('--price-rounds', values['price-rounds'], 3, 1),
    multiProcess: values['multi-process'],
    retryPhase: values['retry-phase'],
    processEvents: integer('--process-events', values['process-events'], 600, 1),
    json: path.resolve(values.json ?? path.join(__dirname, 'results', 'latest.json')),
    noisy: values.noisy,
    workerSlots:
      values['worker-slots'] === undefined ? undefined : integer('--worker-slots', values['worker-slots'], 0, 1),
  };
  if (options.rounds > options.events) throw new BenchOptionsError('--rounds must not exceed --events');
  return options;
}

function payloadOption(raw: string | undefined): DeliveryFeatures['payload'] {
  if (raw === undefined || raw === 'example') return 'example';
  if (raw === 'minimal') return 'minimal';
  return integer('--payload', raw, 0, 64);
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new BenchOptionsError(`${flag} must be an integer ≥ ${min}`);
  return value;
}

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new BenchOptionsError(`${flag} must be a number > 0`);
  return value;
}
