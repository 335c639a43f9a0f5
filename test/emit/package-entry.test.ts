import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** Loads the package entry in a fresh Node process and lists every module it brought in. */
function modulesLoadedByEntry(): string[] {
  const script = `require('./src/index.ts'); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(output) as string[]).map((file) => path.relative(ROOT, file));
}

describe('the hookline package entry', () => {
  const loaded = modulesLoadedByEntry();
  const ours = loaded.filter((file) => file.startsWith('src/'));

  it('loads the emit library and the contract', () => {
    expect(ours).toEqual(
      expect.arrayContaining(['src/index.ts', 'src/emit/start-delivery.ts', 'src/contract/delivery.ts']),
    );
  });

  it('loads nothing of the API, the database, the worker or the server tooling', () => {
    const forbidden = ours.filter((file) =>
      /^src\/(api|db|worker|activities|runtime|temporal-server|workflows|security)\//.test(file),
    );
    expect(forbidden).toEqual([]);
  });

  it('loads none of the API’s or the database’s libraries', () => {
    const heavy = ['express', 'drizzle-orm', 'better-sqlite3', 'pino', 'undici', '@temporalio/worker'];
    const found = heavy.filter((name) => loaded.some((file) => file.includes(`node_modules/${name}/`)));
    expect(found).toEqual([]);
  });
});
