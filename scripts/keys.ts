import { parseArgs } from 'node:util';
import { createWorkspaceKey, listApiKeys } from '../src/db/api-keys';
import { openDatabase } from '../src/db/client';
import { loadConfig } from '../src/shared/config';

const USAGE = `Usage:
  npm run keys -- create --workspace <name>   Create the workspace if needed and a new API key for it
  npm run keys -- list                        List workspaces and the first characters of their keys

The database is DATABASE_PATH, or hookline.db in HOOKLINE_DATA_DIR (default ./data).`;

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { workspace: { type: 'string', short: 'w' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }

  const config = loadConfig(process.env);
  const { db, close } = openDatabase(config.databasePath);
  try {
    switch (command) {
      case 'create': {
        const name = values.workspace?.trim();
        if (!name) {
          console.error('create needs --workspace <name>\n\n' + USAGE);
          return 1;
        }
        const { workspace, apiKey, created } = createWorkspaceKey(db, name);
        console.log(`${created ? 'Created workspace' : 'Workspace'} "${workspace.name}" (${workspace.id})`);
        console.log(`API key (shown only now, keep it): ${apiKey}`);
        return 0;
      }
      case 'list': {
        const keys = listApiKeys(db);
        if (keys.length === 0) console.log('No API keys yet.');
        for (const key of keys) console.log(`${key.workspace}\t${key.workspaceId}\t${key.prefix}…\t${key.createdAt}`);
        return 0;
      }
      default:
        console.error(`Unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } finally {
    close();
  }
}

process.exitCode = main(process.argv.slice(2));
