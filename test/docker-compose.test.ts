import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/shared/config';

const ROOT = path.resolve(__dirname, '..');
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      command?: string[];
      depends_on?: string[] | Record<string, unknown>;
      environment?: Record<string, string>;
      ports?: string[];
      volumes?: string[];
    }
  >;
  volumes?: Record<string, unknown>;
};
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

// No container engine runs where the suite runs, so the compose file is checked statically.
describe('docker-compose.yml', () => {
  const services = compose.services;

  it('runs a Temporal server with its UI, the worker and the API', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgresql', 'temporal', 'temporal-ui', 'worker']);
    expect(services.worker?.command).toEqual(['npm', 'run', 'worker']);
    expect(services.api?.command).toEqual(['npm', 'run', 'api']);
    expect(scripts.worker).toBeDefined();
    expect(scripts.api).toBeDefined();
  });

  it('refers only to services and volumes it defines', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(services, `${name} depends on ${dep}`).toHaveProperty([dep]);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes ?? {}).toHaveProperty([source]);
      }
      expect(service.image ?? service.build, `${name} has an image or a build`).toBeTruthy();
    }
  });

  it('gives the worker and the API an environment the configuration accepts', () => {
    for (const name of ['worker', 'api']) {
      const config = loadConfig({ ...services[name]?.environment });
      expect(config.temporal.address).toBe('temporal:7233');
    }
    const api = loadConfig({ ...services.api?.environment });
    expect(services.api?.ports).toContain(`${api.http.port}:${api.http.port}`);
    expect(api.http.host).toBe('0.0.0.0');
  });

  it('publishes Temporal and its UI on localhost only, since they have no authentication', () => {
    for (const name of ['temporal', 'temporal-ui']) {
      const ports = services[name]?.ports ?? [];
      expect(ports.length, `${name} publishes a port`).toBeGreaterThan(0);
      for (const port of ports) expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('builds from a Dockerfile that ships the sources and migrations', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    for (const line of ['COPY src ./src', 'COPY drizzle ./drizzle', 'npm ci --omit=dev'])
      expect(dockerfile).toContain(line);
  });
});
