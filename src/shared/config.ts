import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../contract/delivery';
import { parseKeyring } from '../security/keyring';
import { parseAllowedNetworks } from '../security/network-guard';

const port = z.coerce.number().int().min(0).max(65_535);

/** A whole number written in decimal digits: an empty or misspelt value is an error, never 0. */
const count = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a whole number')
  .transform(Number);

/** A string parsed by `parse`, whose error message becomes the issue (never the value: it may be a key). */
const parsedBy = <T>(parse: (value: string) => T) =>
  z.string().transform((value, ctx) => {
    try {
      return parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  });

/** Spans go to the collector as protobuf over HTTP, the OTLP default; gRPC is not built in. */
const otlpProtocol = z.enum(['http/protobuf'], { error: 'only http/protobuf is supported' }).optional();

const ConfigSchema = z
  .object({
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
    PATH: z.string().optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
    TEMPORAL_UI_URL: z.url().optional(),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_PORT: port.default(7233),
    HOOKLINE_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_PATH: z.string().min(1).optional(),
    DATABASE_URL: parsedBy(parseDatabaseUrl).optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
    HOOKLINE_ALLOWED_NETWORKS: parsedBy(parseAllowedNetworks).optional(),
    HOOKLINE_ENCRYPTION_KEYS: parsedBy(parseKeyring).optional(),
    HOOKLINE_WORKER_MAX_ACTIVITIES: count.pipe(z.number().min(1, 'must be at least 1')).default(500),
    HOOKLINE_RATE_LIMIT_PER_MINUTE: count.default(6000),
    HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE: count.pipe(z.number().min(1, 'must be at least 1')).default(1000),
    HOOKLINE_AUTO_DISABLE_AFTER_HOURS: count.default(24),
    HOOKLINE_AUTO_DISABLE_MIN_FAILURES: count.pipe(z.number().min(1, 'must be at least 1')).default(10),
    HOOKLINE_RECOVERY_RATE_PER_SECOND: count.pipe(z.number().min(1, 'must be at least 1')).default(20),
    HOOKLINE_UI_SESSION_TTL_SECONDS: count.pipe(z.number().min(60, 'must be at least 60')).default(12 * 3600),
    HOOKLINE_PORTAL_LINK_TTL_SECONDS: count
      .pipe(
        z
          .number()
          .min(10, 'must be at least 10')
          .max(24 * 3600, 'must be at most 86400'),
      )
      .default(600),
    HOOKLINE_WORKER_METRICS_PORT: port.default(9464),
    HOOKLINE_SDK_METRICS_ADDRESS: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}$/, 'must be host:port, for example 127.0.0.1:9465')
      .optional(),
    HOOKLINE_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
    OTEL_SDK_DISABLED: z.enum(['true', 'false', '']).optional(),
    OTEL_TRACES_EXPORTER: z
      .enum(['otlp', 'console', 'none', ''], { error: 'must be otlp, console or none (one exporter)' })
      .optional(),
    OTEL_SERVICE_NAME: z.string().optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .optional(),
    OTEL_EXPORTER_OTLP_HEADERS: parsedBy(parseOtlpHeaders).optional(),
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: parsedBy(parseOtlpHeaders).optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  })
  .transform((env) => {
    const dataDir = path.resolve(env.HOOKLINE_DATA_DIR);
    const databasePath = path.resolve(env.DATABASE_PATH ?? path.join(dataDir, 'hookline.db'));
    return {
      temporal: {
        /** Unset: `npm start` runs an embedded dev server; the separate processes use localhost:7233. */
        address: env.TEMPORAL_ADDRESS,
        /** Where the separate worker and API processes connect. */
        remoteAddress: env.TEMPORAL_ADDRESS ?? 'localhost:7233',
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        uiUrl: env.TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_UI_PORT}`,
        /** How the Temporal servers are found or installed (see `src/temporal-server/provision.ts`). */
        provision: {
          cliPath: env.TEMPORAL_CLI_PATH,
          testServerPath: env.TEMPORAL_TEST_SERVER_PATH,
          searchPath: env.PATH,
        },
      },
      dataDir,
      databasePath,
      /**
       * Where webhooks, workspaces and API keys live: PostgreSQL when `DATABASE_URL` is set, so that
       * workers and APIs on several hosts share them; else the SQLite file at `databasePath`.
       */
      database: env.DATABASE_URL
        ? { dialect: 'postgres' as const, url: env.DATABASE_URL }
        : { dialect: 'sqlite' as const, path: databasePath },
      http: {
        host: env.HOST,
        port: env.PORT,
        /** What one API process accepts; see `ApiLimits`. */
        limits: {
          rateLimitPerMinute: env.HOOKLINE_RATE_LIMIT_PER_MINUTE,
          maxWebhooksPerWorkspace: env.HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE,
          recoveryRatePerSecond: env.HOOKLINE_RECOVERY_RATE_PER_SECOND,
        },
      },
      worker: {
        /**
         * Attempts one worker runs at once. They wait on receivers, not on the CPU, so a worker holds many
         * more than the SDK's default of 100: a tenant's endpoints that hang take slots for 5 s each.
         */
        maxConcurrentActivities: env.HOOKLINE_WORKER_MAX_ACTIVITIES,
        /**
         * A webhook is disabled once every delivery to it has failed for this long and at least this many
         * of them; 0 hours turns auto-disable off.
         */
        autoDisable:
          env.HOOKLINE_AUTO_DISABLE_AFTER_HOURS === 0
            ? null
            : {
                afterMs: env.HOOKLINE_AUTO_DISABLE_AFTER_HOURS * 3_600_000,
                minFailures: env.HOOKLINE_AUTO_DISABLE_MIN_FAILURES,
              },
      },

      ui: {
        /** How long a settings-page session lasts; its API key being revoked or expiring ends it sooner. */
        sessionTtlSeconds: env.HOOKLINE_UI_SESSION_TTL_SECONDS,
        /** How long a portal link (`POST /v1/portal-sessions`) may be opened, once. */
        portalLinkTtlSeconds: env.HOOKLINE_PORTAL_LINK_TTL_SECONDS,
        /** The address browsers reach the API at, for portal links; unset: the request's own host. */
        publicUrl: env.HOOKLINE_PUBLIC_URL?.replace(/\/+$/, ''),
      },
      metrics: {
        /**
         * Where a worker running without the API serves `GET /metrics` (on `HOST`); 0: nowhere. A process
         * with the API serves its metrics on the API's own `/metrics`.
         */
        workerPort: env.HOOKLINE_WORKER_METRICS_PORT,
        /** Where the Temporal SDK's own Prometheus exporter listens (`host:port`); unset: off. */
        sdkAddress: env.HOOKLINE_SDK_METRICS_ADDRESS,
      },
      /** OpenTelemetry traces (the standard `OTEL_*` variables); null: off, and nothing is installed. */
      tracing: tracingOf(env),
      network: {
        /** Networks receivers may be in although they are not public; none by default. */
        allowedNetworks: env.HOOKLINE_ALLOWED_NETWORKS ?? parseAllowedNetworks(''),
      },
      encryption: {
        /**
         * Keys for webhook secrets at rest and for event data in Temporal, primary first. Unset: the key
         * file `encryption.keys` in the data directory, created on first start.
         */
        keyring: env.HOOKLINE_ENCRYPTION_KEYS,
      },
      log: {
        level: env.LOG_LEVEL,
        pretty: (env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty',
      },
    };
  });

export type Config = Readonly<z.output<typeof ConfigSchema>>;

/**
 * Traces are on when `OTEL_TRACES_EXPORTER` names an exporter. The OTLP endpoint is the collector's
 * base URL (`/v1/traces` is appended) unless the traces-specific one, used as given, is set.
 */
function tracingOf(env: {
  OTEL_SDK_DISABLED?: string;
  OTEL_TRACES_EXPORTER?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: Record<string, string>;
  OTEL_EXPORTER_OTLP_TRACES_HEADERS?: Record<string, string>;
}) {
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (env.OTEL_SDK_DISABLED === 'true' || (exporter !== 'otlp' && exporter !== 'console')) return null;
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
  return {
    exporter,
    serviceName: env.OTEL_SERVICE_NAME || 'hookline',
    otlp: {
      url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
      headers: { ...env.OTEL_EXPORTER_OTLP_HEADERS, ...env.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    },
  };
}

/** `key1=value1,key2=value2`, values percent-encoded (W3C Baggage format, as the OTLP exporter spec says). */
function parseOtlpHeaders(value: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    if (at <= 0 || !/^[!#$%&'*+.^`|~\w-]+$/.test(key)) throw new Error('must be key=value pairs separated by commas');
    try {
      headers[key.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new Error(`has a badly encoded value for ${key}`);
    }
  }
  return headers;
}

/**
 * A `postgres://` or `postgresql://` URL, returned as given. The message never repeats the value: it
 * holds a password.
 */
function parseDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('must be a postgres:// URL');
  if (!url.hostname && !url.searchParams.has('host')) {
    throw new Error('must name the server (postgres://user:password@host:5432/db)');
  }
  return value;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; entry points call this and pass the result down. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  // Key bytes (Buffers) cannot be frozen; the keyring that holds them is immutable by its own API.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Map)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
