import { parseArgs } from 'node:util';
import pino from 'pino';
import { openDatabase } from '../src/db/client';
import { setUpEncryption } from '../src/runtime/encryption';
import { rotateKeyFile } from '../src/security/key-file';
import { addPrimaryKey, formatKeyring } from '../src/security/keyring';
import { loadConfig } from '../src/shared/config';

const USAGE = `Usage:
  npm run encryption-key -- rotate      Put a new primary key in front of the others and re-encrypt the
                                        database's secrets with it (older keys stay, to read what they sealed)
  npm run encryption-key -- reencrypt   Re-encrypt every secret not yet under the primary key
  npm run encryption-key -- codec-url   Print the codec endpoint for the Temporal UI (a credential:
                                        whoever has it can decode event data)

Keys come from HOOKLINE_ENCRYPTION_KEYS, else from encryption.keys in HOOKLINE_DATA_DIR (default ./data).
Restart the worker and the API afterwards so that they encrypt with the new key.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'rotate': {
      if (config.encryption.keyring) {
        // Keys in the environment belong to whoever deploys; print the new setting for them to roll out.
        const rotated = addPrimaryKey(config.encryption.keyring);
        console.log('HOOKLINE_ENCRYPTION_KEYS is set, so set it to this on every process, then run reencrypt:');
        console.log(formatKeyring(rotated));
        return 0;
      }
      const { keyring, file } = rotateKeyFile(config.dataDir);
      console.log(`New primary key ${keyring.primaryKeyId} written to ${file}`);
      return reencrypt(config);
    }
    case 'reencrypt':
      return reencrypt(config);
    case 'codec-url': {
      const { codecToken } = setUpEncryption(config, pino({ level: 'silent' }));
      const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
      console.log(`http://${host}:${config.http.port}/codec/${codecToken}`);
      return 0;
    }
    default:
      console.error(`Unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

/** Opening the database seals, under the primary key, whatever is not yet sealed by it. */
async function reencrypt(config: ReturnType<typeof loadConfig>): Promise<number> {
  const encryption = setUpEncryption(config, pino({ level: 'silent' }));
  const { close } = await openDatabase(config.database, { cipher: encryption.cipher });
  await close();
  // A PostgreSQL URL holds a password: it is never printed.
  const where = config.database.dialect === 'postgres' ? 'the PostgreSQL database' : config.database.path;
  console.log(`Secrets in ${where} are encrypted with key ${encryption.keyring.primaryKeyId}.`);
  return 0;
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
