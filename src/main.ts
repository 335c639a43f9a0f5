import { ensureDefaultWorkspace } from './db/api-keys';
import { bootProcess, runUntilStopped } from './runtime/process';
import { startHookline } from './runtime/start-hookline';

/**
 * `npm start`: the embedded default. A Temporal dev server (unless TEMPORAL_ADDRESS names one) keeps
 * its SQLite file in the data directory, so deliveries survive restarts; the worker and the API run in
 * this process and share one connection, which lets the API start workflows eagerly.
 */
async function main(): Promise<void> {
  const { config, logger } = bootProcess('hookline', process.env);
  const hookline = await startHookline({ config, logger, embedded: true, worker: {}, api: {} });
  const { workspace, apiKey } = await ensureDefaultWorkspace(hookline.db);
  printBanner({
    api: hookline.api?.url ?? '',
    ui: hookline.devServer ? config.temporal.uiUrl : undefined,
    temporal: hookline.temporalAddress,
    namespace: config.temporal.namespace,
    dataDir: config.dataDir,
    workspace: workspace.name,
    apiKey,
    allowedNetworks: config.network.allowedNetworks.map((network) => network.source),
  });
  await runUntilStopped(hookline, logger);
}

function printBanner(info: {
  api: string;
  ui?: string;
  temporal: string;
  namespace: string;
  dataDir: string;
  workspace: string;
  apiKey?: string;
  allowedNetworks: string[];
}): void {
  const lines = [
    '',
    'Hookline is running',
    `  API            ${info.api}   (OpenAPI: ${info.api}/openapi.json)`,
    `  Settings page  ${info.api}/ui/   (sign in with a manage API key)`,
    ...(info.ui ? [`  Temporal UI    ${info.ui}`] : []),
    `  Temporal       ${info.temporal}, namespace ${info.namespace}`,
    `  Data           ${info.dataDir}`,
    info.apiKey
      ? `  API key        ${info.apiKey}   (workspace "${info.workspace}"; shown only now, keep it)`
      : `  API key        created on first start; make another with: npm run keys -- create --workspace <name>`,
    ...(info.allowedNetworks.length > 0
      ? [
          `  Allowed        ${info.allowedNetworks.join(', ')}   (HOOKLINE_ALLOWED_NETWORKS: not public, delivered to anyway)`,
        ]
      : []),
    '  Stop with Ctrl-C.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
