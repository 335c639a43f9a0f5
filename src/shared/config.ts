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
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
    HOOKLINE_ALLOWED_NETWORKS: parsedBy(parseAllowedNetworks).optional(),
    HOOKLINE_ENCRYPTION_KEYS: parsedBy(parseKeyring).optional(),
    HOOKLINE_WORKER_MAX_ACTIVITIES: count.pipe(z.number().min(1, 'must be at least 1')).default(500),
    HOOKLINE_RATE_LIMIT_PER_MINUTE: count.default(6000),
    HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE: count.pipe(z.number().min(1, 'must be at least 1')).default(1000),
  })
  .transform((env) => {
    const dataDir = path.resolve(env.HOOKLINE_DATA_DIR);
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
      databasePath: path.resolve(env.DATABASE_PATH ?? path.join(dataDir, 'hookline.db')),
      http: {
        host: env.HOST,
        port: env.PORT,
        /** What one API process accepts; see `ApiLimits`. */
        limits: {
          rateLimitPerMinute: env.HOOKLINE_RATE_LIMIT_PER_MINUTE,
          maxWebhooksPerWorkspace: env.HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE,
        },
      },
      worker: {
        /**
         * Attempts one worker runs at once. They wait on receivers, not on the CPU, so a worker holds many
         * more than the SDK's default of 100: a tenant's endpoints that hang take slots for 5 s each.
         */
        maxConcurrentActivities: env.HOOKLINE_WORKER_MAX_ACTIVITIES,
      },
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
