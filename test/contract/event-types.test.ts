import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_EVENT_TYPES,
  EVENT_TYPE_CATALOGUE,
  EVENT_TYPES,
  OPERATIONAL_EVENT_TYPES,
  PING_EVENT_TYPE,
  isCatalogueEventType,
  isEventType,
  isOperationalEventType,
} from '../../src/contract/event-types';

const ROOT = path.resolve(__dirname, '../..');

/** Loads a module in a fresh Node process and lists every file it brought in. */
function filesLoadedBy(module: string): string[] {
  const script = `require(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(output) as string[]).map((file) => path.relative(ROOT, file));
}

describe('the event catalogue', () => {
  it('loads no zod, so workflow code can import it', () => {
    // tsx itself (and its esbuild) load first, to run TypeScript; nothing else may come along.
    const loaded = filesLoadedBy('./src/contract/event-types.ts').filter(
      (file) => !/(^|\/)node_modules\/(tsx|esbuild)\//.test(file),
    );

    expect(loaded).toEqual(['src/contract/event-types.ts']);
  });

  it('lists the seven service types in the order and groups of the product documentation', () => {
    expect(EVENT_TYPES.map((type) => [type, EVENT_TYPE_CATALOGUE[type].group])).toEqual([
      ['action_log.completed', 'Action Log'],
      ['action_log.failed', 'Action Log'],
      ['document.received', 'Document'],
      ['document.extracted', 'Document'],
      ['lead.created', 'Lead'],
      ['lead.updated', 'Lead'],
      ['lead.completed', 'Lead'],
    ]);
    expect(EVENT_TYPES.every((type) => EVENT_TYPE_CATALOGUE[type].operational === false)).toBe(true);
  });

  it('lists the operational types after them, flagged and grouped as such', () => {
    expect(OPERATIONAL_EVENT_TYPES).toEqual(['webhook.disabled', 'delivery.exhausted', 'webhook.recovered']);
    expect(CATALOGUE_EVENT_TYPES).toEqual([...EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES]);
    for (const type of OPERATIONAL_EVENT_TYPES) {
      expect(EVENT_TYPE_CATALOGUE[type]).toMatchObject({ type, group: 'Operational', operational: true });
    }
  });

  it('describes every type', () => {
    for (const type of CATALOGUE_EVENT_TYPES) {
      expect(EVENT_TYPE_CATALOGUE[type].type).toBe(type);
      expect(EVENT_TYPE_CATALOGUE[type].description).toMatch(/^[A-Z].+\.$/);
    }
  });

  it('tells the services’ types from Hookline’s own', () => {
    const names = ['lead.created', 'delivery.exhausted', PING_EVENT_TYPE, 'lead.deleted', 'toString', '__proto__'];

    expect(names.map((name) => [isEventType(name), isOperationalEventType(name), isCatalogueEventType(name)])).toEqual([
      [true, false, true],
      [false, true, true],
      [false, false, false],
      [false, false, false],
      [false, false, false],
      [false, false, false],
    ]);
  });
});
