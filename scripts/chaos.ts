/**
 * `npm run chaos -- --events 500 --receivers 4 --failure-rate 0.3 --seed 1`: Hookline's API and worker
 * processes on a dev server, flaky loopback receivers, the worker SIGKILLed and the server restarted
 * while events flow; then every (event, endpoint) pair must be delivered or failed after its three
 * attempts, as the receivers saw it. Retries wait their real 1 and 2 minutes, so a run takes minutes.
 * Exits 1 when anything was lost or the API and the receivers disagree, 2 on a bad option.
 */
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/shared/config';
import { provisionTemporalCli } from '../src/temporal-server/provision';
import { formatChaosReport, runChaos, type ChaosOptions } from '../test/support/chaos';

const USAGE = `Usage: npm run chaos -- [options]

  --events N          events emitted through the API (default 500)
  --receivers N       loopback receivers, each subscribed to every event (default 4)
  --failure-rate R    share of requests a receiver fails, 0 to 1 (default 0.3)
  --seed N            seeds which requests fail (default 1)
  --help              show this text`;

// The SDK's own chatter (connection retries while the server is down) would drown the progress lines.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const log = (message: string) => process.stderr.write(`[chaos] ${message}\n`);

/** Ctrl-C stops the run: every process, receiver and server it started is released. */
const interrupted = new AbortController();

class UsageError extends Error {}

type RunSize = Pick<ChaosOptions, 'events' | 'receivers' | 'failureRate' | 'seed'>;

/** The run's size from the command line, or the exit code once help or a usage error is printed. */
function readCommandLine(argv: string[]): RunSize | number {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        events: { type: 'string' },
        receivers: { type: 'string' },
        'failure-rate': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const positive = (n: number) => Number.isInteger(n) && n > 0;
    return {
      events: numberOption('--events', values.events, 500, 'a positive integer', positive),
      receivers: numberOption('--receivers', values.receivers, 4, 'a positive integer', positive),
      failureRate: numberOption('--failure-rate', values['failure-rate'], 0.3, 'from 0 to 1', (n) => n >= 0 && n <= 1),
      seed: numberOption('--seed', values.seed, 1, 'an integer', Number.isInteger),
    };
  } catch (err) {
    if (!(err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
}

function numberOption(
  name: string,
  value: string | undefined,
  fallback: number,
  what: string,
  ok: (n: number) => boolean,
) {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || !ok(parsed)) throw new UsageError(`${name} must be ${what}, not "${value}"`);
  return parsed;
}

async function main(): Promise<number> {
  const size = readCommandLine(process.argv.slice(2));
  if (typeof size === 'number') return size;

  const { provision } = loadConfig(process.env).temporal;
  const cli = await provisionTemporalCli({ explicitPath: provision.cliPath, searchPath: provision.searchPath, log });
  const interrupt = () => {
    log('Interrupted: stopping everything the run started …');
    interrupted.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const options: ChaosOptions = {
    ...size,
    executable: cli.executable,
    // The three-attempt schedule ends about 3 minutes after an event's first failure.
    settleTimeoutMs: 8 * 60_000,
    log,
    signal: interrupted.signal,
  };
  log(`${size.events} events × ${size.receivers} receivers, failure rate ${size.failureRate}, seed ${size.seed}`);
  const report = await runChaos(options);
  process.stdout.write(formatChaosReport(report, options));
  return report.lost > 0 || report.disagreements.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (interrupted.signal.aborted) {
      log('Stopped before the end: no figures.');
      process.exit(130);
    }
    console.error(err);
    process.exit(1);
  },
);
