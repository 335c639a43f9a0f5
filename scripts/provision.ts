import { loadConfig } from '../src/shared/config';
import { provisionTemporalCli, provisionTestServer } from '../src/temporal-server/provision';

/** `npm run provision`: fills the server cache ahead of time (tests and `npm start` do it on demand too). */
async function main(): Promise<void> {
  const log = (message: string) => console.log(message);
  const { provision } = loadConfig(process.env).temporal;
  const cli = await provisionTemporalCli({ explicitPath: provision.cliPath, searchPath: provision.searchPath, log });
  console.log(`Temporal dev server: ${cli.source}`);
  const testServer = await provisionTestServer({ explicitPath: provision.testServerPath, log });
  console.log(`Temporal test server: ${testServer.source}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
