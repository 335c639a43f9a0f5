import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../contract/delivery';
import { EMBEDDED_SQLITE_PRAGMAS, FAIRNESS_DYNAMIC_CONFIG } from './servers';

export interface EmbeddedServerOptions {
  /** The Temporal CLI (`temporal`). */
  cliPath: string;
  dbFilename: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** The codec endpoint the UI decodes payloads with. */
  uiCodecEndpoint?: string;
  dataConverter?: DataConverter;
  /** How long the server may take to answer. @default 30 s */
  readyTimeoutMs?: number;
}

export interface EmbeddedServer {
  env: TestWorkflowEnvironment;
  address: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs the server and, when its standard input closes (the parent stopped it, or died however it
 * died), stops it: the server never outlives the process that started it.
 */
const WATCHDOG = 'server="$0"; "$server" "$@" & pid=$!; read -r _; kill -TERM "$pid" 2>/dev/null; wait "$pid"';

/**
 * The dev server of `npm start`, started in a process group of its own. A Ctrl-C at a terminal sends
 * SIGINT to the whole foreground group: a server in Hookline's group would stop at once, before the
 * worker reports the attempts it is finishing, and those would be retried as timeouts a minute later.
 * Here Hookline alone gets the signal and stops the server last.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const address = `127.0.0.1:${options.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--db-filename',
    options.dbFilename,
    '--log-format',
    'json',
    '--log-level',
    'warn',
    ...ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${searchAttributeType(key.type)}`]),
    ...EMBEDDED_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...FAIRNESS_DYNAMIC_CONFIG.flatMap((setting) => ['--dynamic-config-value', setting]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const child = spawn('sh', ['-c', WATCHDOG, options.cliPath, ...args], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096);
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitUntilServing(address, options.readyTimeoutMs ?? 30_000, () => child.exitCode !== null);
    if (child.exitCode !== null) throw new Error(`The Temporal dev server exited (${child.exitCode}): ${stderr}`);
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address,
      namespace: options.namespace,
      client: { dataConverter: options.dataConverter },
    });
    return { env, address, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function searchAttributeType(type: string): string {
  // The CLI spells the SDK's types in PascalCase (KEYWORD_LIST → KeywordList).
  return type
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

async function waitUntilServing(address: string, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await NativeConnection.connect({ address });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (gaveUp() || Date.now() > deadline) {
        throw new Error(`The Temporal dev server did not answer at ${address}`, { cause: err });
      }
      await sleep(250);
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
