import { parseArgs } from 'node:util';
import {
  apiKeyStatus,
  createWorkspaceKey,
  findApiKeysByIdOrPrefix,
  listAllApiKeys,
  MAX_API_KEY_LIFETIME_SECONDS,
  revokeApiKey,
  type ApiKeyListing,
} from '../src/db/api-keys';
import { openDatabase, type Db } from '../src/db/client';
import { API_KEY_SCOPES, type ApiKeyScope } from '../src/db/schema';
import { setUpEncryption } from '../src/runtime/encryption';
import { loadConfig } from '../src/shared/config';
import { createLogger } from '../src/shared/logger';

const USAGE = `Usage:
  npm run keys -- create --workspace <name> [--scope emit|manage] [--name <label>] [--expires-in <30d|12h|90m|3600>]
                                Create the workspace if needed and a new API key for it (scope: manage
                                unless given; emit keys may only emit events and read the event types)
  npm run keys -- list          List every key: workspace, id, prefix, name, scope, status, expiry, last use
  npm run keys -- revoke <key id or prefix>
                                Revoke a key; it is refused from its next request on

The database is DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH, or hookline.db in
HOOKLINE_DATA_DIR (default ./data).`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `3600`, `90m`, `12h` or `30d` as seconds; undefined when it is none of these or out of range. */
function parseExpiresIn(value: string): number | undefined {
  const match = /^(\d+)([smhd])?$/.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS;
  const seconds = Number(match[1]) * UNIT_SECONDS[unit];
  return seconds >= 1 && seconds <= MAX_API_KEY_LIFETIME_SECONDS ? seconds : undefined;
}

function isScope(value: string): value is ApiKeyScope {
  return (Object.values(API_KEY_SCOPES) as string[]).includes(value);
}

/** Left-aligned columns, so that a list reads at a glance at a terminal. */
function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface CreateCommand {
  workspace: string;
  scope: ApiKeyScope;
  name?: string;
  expiresInSeconds?: number;
}

/** The options of `create`, or what is wrong with them. */
function parseCreate(values: {
  workspace?: string;
  scope?: string;
  name?: string;
  'expires-in'?: string;
}): CreateCommand | { error: string } {
  const workspace = values.workspace?.trim();
  if (!workspace) return { error: 'create needs --workspace <name>' };
  const scope = values.scope ?? API_KEY_SCOPES.manage;
  if (!isScope(scope)) return { error: `--scope must be ${Object.values(API_KEY_SCOPES).join(' or ')}` };
  const expiresIn = values['expires-in'];
  const expiresInSeconds = expiresIn === undefined ? undefined : parseExpiresIn(expiresIn);
  if (expiresIn !== undefined && expiresInSeconds === undefined) {
    return { error: '--expires-in must be seconds, or a number followed by s, m, h or d (at most ten years)' };
  }
  return { workspace, scope, name: values.name?.trim(), expiresInSeconds };
}

function describe(key: ApiKeyListing): string {
  return `${key.id} (${key.prefix}…${key.name ? `, "${key.name}"` : ''}) of workspace "${key.workspace}"`;
}

async function create(db: Db, command: CreateCommand): Promise<number> {
  const { expiresInSeconds } = command;
  const { workspace, apiKey, apiKeyRecord, created } = await createWorkspaceKey(db, command.workspace, {
    name: command.name,
    scope: command.scope,
    expiresAt: expiresInSeconds === undefined ? undefined : new Date(Date.now() + expiresInSeconds * 1000),
  });
  const expiry = apiKeyRecord.expiresAt ? `expires ${apiKeyRecord.expiresAt}` : 'never expires';
  console.log(`${created ? 'Created workspace' : 'Workspace'} "${workspace.name}" (${workspace.id})`);
  console.log(`Key ${apiKeyRecord.id}: scope ${apiKeyRecord.scope}, ${expiry}`);
  console.log(`API key (shown only now, keep it): ${apiKey}`);
  return 0;
}

async function list(db: Db): Promise<number> {
  const keys = await listAllApiKeys(db);
  if (keys.length === 0) {
    console.log('No API keys yet.');
    return 0;
  }
  const now = new Date();
  const header = ['WORKSPACE', 'ID', 'PREFIX', 'NAME', 'SCOPE', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED'];
  const rows = keys.map((key) => [
    key.workspace,
    key.id,
    `${key.prefix}…`,
    key.name || '-',
    key.scope,
    apiKeyStatus(key, now),
    key.createdAt,
    key.expiresAt ?? 'never',
    key.lastUsedAt ?? 'never',
  ]);
  console.log(table([header, ...rows]));
  return 0;
}

async function revoke(db: Db, ref: string): Promise<number> {
  const matches = await findApiKeysByIdOrPrefix(db, ref);
  const [key] = matches;
  if (!key) {
    console.error(`No API key with the id or prefix "${ref}"; \`npm run keys -- list\` shows them all.`);
    return 1;
  }
  if (matches.length > 1) {
    console.error(`"${ref}" matches ${matches.length} keys; give the id of one:`);
    for (const match of matches) console.error(`  ${describe(match)}`);
    return 1;
  }
  if (key.revokedAt !== null) {
    console.log(`Key ${describe(key)} was already revoked at ${key.revokedAt}.`);
    return 0;
  }
  const revoked = await revokeApiKey(db, key.workspaceId, key.id);
  console.log(`Revoked key ${describe(key)} at ${revoked?.revokedAt ?? new Date().toISOString()}.`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      scope: { type: 'string' },
      name: { type: 'string' },
      'expires-in': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  const fail = (message: string) => {
    console.error(`${message}\n\n${USAGE}`);
    return 1;
  };

  // Everything is checked before the database is opened: a mistyped command changes nothing.
  let run: (db: Db) => Promise<number>;
  switch (command) {
    case 'create': {
      const parsed = parseCreate(values);
      if ('error' in parsed) return fail(parsed.error);
      run = (db) => create(db, parsed);
      break;
    }
    case 'list':
      run = list;
      break;
    case 'revoke': {
      const ref = rest[0]?.trim();
      if (rest.length !== 1 || !ref) return fail('revoke needs one key id or prefix');
      run = (db) => revoke(db, ref);
      break;
    }
    default:
      return fail(`Unknown command "${command}"`);
  }

  const config = loadConfig(process.env);
  // The database seals webhook secrets with the process's keyring: opening it needs the keyring too.
  const { cipher } = setUpEncryption(config, createLogger(config.log, 'keys'));
  const { db, close } = await openDatabase(config.database, { cipher });
  try {
    return await run(db);
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
