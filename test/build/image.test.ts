import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import { createHooklineClient } from '../../src/index';
import { createKeyring, formatKeyring, generateKey, generateKeyId } from '../../src/security/keyring';
import { startDevServer } from '../../src/temporal-server/servers';
import { PROJECT_ROOT } from '../../src/temporal-server/provision';
import { LOOPBACK_NETWORKS, uniqueName } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { dockerIgnore, parseDockerfile, type Stage } from './dockerfile';

/**
 * No container engine runs where the suite runs, so this test does what `docker build` would with the
 * Dockerfile: each stage in a directory of its own standing for its /app, filled by the stage's COPY
 * instructions from a copy of the build context (.dockerignore applied) or from earlier stages, and its
 * RUN steps run there (`npm ci` from the registry included). The runtime stage's directory then holds
 * exactly what the image would, and its API and worker are started from it with `node dist/...`.
 */

const DOCKERFILE = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const IGNORED = dockerIgnore(fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8'));
const stages = parseDockerfile(DOCKERFILE);
const runtime = stages.at(-1)!;
const composeWorker = (
  parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: { worker: { command: string[] } };
  }
).services.worker;

/** What the Debian packages of an `apt-get install` step give the build: tools that must be on PATH. */
const APT_TOOLS: Record<string, string> = { python3: 'python3', make: 'make', 'g++': 'g++' };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-image-'));
const stageDir = (name: string) => path.join(work, 'stages', name);
const dataDir = path.join(work, 'data');
const steps: { stage: string; run: string; seconds: number }[] = [];

/** Performs the stages in order, as `docker build` does for the last stage's dependencies. */
function buildStages(): void {
  const workdirs = new Map<string, string>();
  for (const stage of stages) {
    const dir = stageDir(stage.name);
    const parent = stages.find((s) => s.name === stage.from);
    if (parent) execFileSync('cp', ['-al', stageDir(parent.name), dir]);
    else fs.mkdirSync(dir, { recursive: true });
    // A stage built FROM another starts in that one's WORKDIR.
    let workdir = (parent && workdirs.get(parent.name)) ?? '/';
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'WORKDIR') workdir = instruction.args;
      if (instruction.keyword === 'COPY')
        copy(stage, dir, workdir, instruction.args.split(' '), instruction.flags.from);
      if (instruction.keyword === 'RUN') run(stage, dir, workdir, instruction.args);
    }
    workdirs.set(stage.name, workdir);
  }
}

function copy(stage: Stage, dir: string, workdir: string, args: string[], from: string | undefined): void {
  const dest = args.at(-1)!;
  for (const source of args.slice(0, -1)) {
    const target = path.join(dir, dest.endsWith('/') ? path.join(dest, path.basename(source)) : dest);
    if (from) {
      // Another stage's file system: its WORKDIR is that stage's directory.
      const relative = path.relative(workdir, source);
      if (relative.startsWith('..'))
        throw new Error(`${stage.name}: COPY --from=${from} ${source} is outside ${workdir}`);
      execFileSync('cp', ['-al', path.join(stageDir(from), relative), target]);
    } else {
      if (IGNORED(source)) throw new Error(`${stage.name}: COPY ${source}, which .dockerignore leaves out`);
      fs.cpSync(path.join(PROJECT_ROOT, source), target, {
        recursive: true,
        filter: (file) => !IGNORED(path.relative(PROJECT_ROOT, file)),
      });
    }
  }
}

function run(stage: Stage, dir: string, workdir: string, command: string): void {
  if (command.startsWith('apt-get ')) {
    // System packages of the base image: this machine must have the tools they provide.
    for (const name of command
      .match(/install -y (?:--\S+ )*([^&]+)/)?.[1]
      ?.trim()
      .split(' ') ?? []) {
      const tool = APT_TOOLS[name];
      expect(tool, `a tool for the Debian package ${name}`).toBeDefined();
      execFileSync('sh', ['-c', `command -v ${tool}`]);
    }
    return;
  }
  if (/^install -d /.test(command)) return; // The image's data directory: the test's is `dataDir`.
  expect(workdir, `${stage.name}: RUN ${command} runs in /app`).toBe('/app');
  const started = performance.now();
  execFileSync('sh', ['-c', command], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  steps.push({ stage: stage.name, run: command, seconds: Math.round((performance.now() - started) / 100) / 10 });
}

/** A process of the image: `argv` in the runtime stage's directory, with the image's ENV and `env`. */
interface ImageProcess {
  child: ChildProcess;
  output: () => string;
  logs: () => { msg?: string; [field: string]: unknown }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of runtime.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const match of instruction.args.matchAll(/(\w+)=(\S+)/g)) env[match[1]!] = match[2]!;
  }
  return env;
}

function startImageProcess(argv: string[], env: Record<string, string>): ImageProcess {
  const [command, ...args] = argv;
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd: stageDir(runtime.name),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...imageEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string });
  return { child, output: () => output, logs, exited };
}

async function waitFor<T>(what: string, find: () => T | undefined | Promise<T | undefined>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`No ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let server: TestWorkflowEnvironment | undefined;
let receiver: Receiver | undefined;
const started: ImageProcess[] = [];

beforeAll(async () => {
  const began = performance.now();
  buildStages();
  console.log(
    `[image] built in ${Math.round((performance.now() - began) / 1000)} s: ` +
      steps.map((step) => `${step.stage}: ${step.run} (${step.seconds} s)`).join('; '),
  );
  server = await startDevServer({ executable: inject('devServerExecutable') });
  receiver = await startReceiver();
}, 300_000);

afterAll(async () => {
  for (const process of started) process.child.kill('SIGKILL');
  await receiver?.close();
  await server?.teardown();
  fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the image the Dockerfile builds', () => {
  it('holds dist/, the migrations and production dependencies only', () => {
    const app = stageDir(runtime.name);
    expect(fs.readdirSync(app).sort()).toEqual(['dist', 'drizzle', 'node_modules', 'package.json']);
    expect(fs.existsSync(path.join(app, 'dist', 'workflow-bundle.js'))).toBe(true);
    for (const dev of ['typescript', 'vitest', 'eslint']) {
      expect(fs.existsSync(path.join(app, 'node_modules', dev)), `${dev} is left out`).toBe(false);
    }
  });

  it('serves the API and delivers with the worker, started with node from dist/, and both stop cleanly on SIGTERM', async () => {
    const env = {
      TEMPORAL_ADDRESS: server!.address,
      TEMPORAL_TASK_QUEUE: uniqueName('image'),
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_ENCRYPTION_KEYS: formatKeyring(createKeyring([[generateKeyId(), generateKey()]])),
      HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
      HOST: '127.0.0.1',
      PORT: '0',
    };
    const keys = startImageProcess(['node', 'dist/scripts/keys.js', 'create', '--workspace', 'image'], env);
    expect(await keys.exited, keys.output()).toEqual({ code: 0, signal: null });
    const apiKey = /API key \(shown only now, keep it\): (\S+)/.exec(keys.output())?.[1];
    expect(apiKey, keys.output()).toBeDefined();

    const apiCommand = runtime.instructions.find((i) => i.keyword === 'CMD')!.exec!;
    const worker = startImageProcess(composeWorker.command, env);
    const api = startImageProcess(apiCommand, env);
    started.push(worker, api);
    // The worker loads the prebuilt bundle rather than bundling at start.
    await waitFor('"Worker running"', () => worker.logs().find((line) => line.msg === 'Worker running'), 60_000);
    const { url } = await waitFor('"API listening"', () => api.logs().find((l) => l.msg === 'API listening'), 30_000);
    const baseUrl = String(url);

    const readiness = await waitFor(
      'readiness',
      async () => {
        const response = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
        return response?.ok ? ((await response.json()) as unknown) : undefined;
      },
      30_000,
    );
    expect(readiness).toMatchObject({ status: 'ready' });

    const client = createHooklineClient({ baseUrl, apiKey });
    await client.createWebhook({ body: { url: receiver!.url, events: ['lead.created'] } });
    const event = await client.emitEvent({
      body: { type: 'lead.created', data: { ...EVENT_DATA_EXAMPLES['lead.created'] } },
    });
    const [delivery] = await receiver!.waitForRequests(1, 30_000);
    expect(delivery?.headers['webhook-id']).toBe(event.id);
    expect(JSON.parse(delivery!.body)).toMatchObject({ id: event.id, type: 'lead.created' });

    // As `docker stop` does: SIGTERM to PID 1 alone.
    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await worker.exited, worker.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(await api.exited, api.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(worker.logs().map((line) => line.msg)).toContain('Worker stopped');
  }, 120_000);
});
