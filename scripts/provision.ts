import { provisionTemporalCli, provisionTestServer } from '../src/temporal-server/provision';

/** `npm run provision`: fills the server cache ahead of time (tests and `npm start` do it on demand too). */
async function main(): Promise<void> {
  const log = (message: string) => console.log(message);
  const cli = await provisionTemporalCli({
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    searchPath: process.env.PATH,
    log,
  });
  console.log(`Temporal dev server: ${cli.source}`);
  const testServer = await provisionTestServer({ explicitPath: process.env.TEMPORAL_TEST_SERVER_PATH, log });
  console.log(`Temporal test server: ${testServer.source}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
