import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '../../src/shared/temporal-sdk';
import { startDevServer } from '../../src/temporal-server/servers';

/** A dev server on a SQLite file, which can be stopped and started again on the same file and port. */
export interface FileDevServer {
  /** `host:port`, the same across restarts. */
  readonly address: string;
  readonly dbFilename: string;
  /** Stops the server; its file stays. */
  stop(): Promise<void>;
  /** Starts it again on the same file and port. */
  start(): Promise<void>;
}

export async function startFileDevServer(
  executable: EphemeralServerExecutable,
  dbFilename: string,
): Promise<FileDevServer> {
  let env: TestWorkflowEnvironment | undefined = await startDevServer({ executable, dbFilename });
  const address = env.address;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    address,
    dbFilename,
    async stop() {
      const running = env;
      env = undefined;
      await running?.teardown();
    },
    async start() {
      if (env) return;
      env = await startDevServer({ executable, dbFilename, port });
      if (env.address !== address) throw new Error(`The dev server came back on ${env.address}, not ${address}`);
    },
  };
}
