import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, KeyFileError, loadOrCreateKeyFile, rotateKeyFile } from '../../src/security/key-file';
import { formatKeyring, parseKeyring } from '../../src/security/keyring';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

const REPO_ROOT = path.resolve(__dirname, '../..');
const KEY_FILE_MODULE = path.join(REPO_ROOT, 'src/security/key-file.ts');

/**
 * A separate process that loads the module, says `ready`, and calls loadOrCreateKeyFile once told to go:
 * several of them released together race for the first key file as a worker and an API starting together
 * on one data volume do.
 */
function startProcess(keyDir: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `const { loadOrCreateKeyFile } = require(process.argv[1]);
       process.stdout.write('ready\\n');
       process.stdin.once('data', () => {
         const { keyring, created } = loadOrCreateKeyFile(process.argv[2]);
         process.stdout.write(JSON.stringify({ primaryKeyId: keyring.primaryKeyId, created }) + '\\n');
         process.exit(0);
       });`,
      KEY_FILE_MODULE,
      keyDir,
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error('the process exited before it was ready')));
  });
  const result = new Promise<{ primaryKeyId: string; created: boolean }>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the process exited with ${code}`));
      else resolve(JSON.parse(output.slice('ready\n'.length)) as { primaryKeyId: string; created: boolean });
    });
  });
  return { ready, go: () => child.stdin.end('go'), result };
}

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-keys-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateKeyFile', () => {
  it('creates a key file of mode 0600 with one fresh key when there is none', () => {
    const { keyring, created, file } = loadOrCreateKeyFile(dir);
    expect(created).toBe(true);
    expect(file).toBe(path.join(dir, KEY_FILE_NAME));
    expect(modeOf(file)).toBe(0o600);
    expect(keyring.keys.size).toBe(1);
    expect(keyring.keys.get(keyring.primaryKeyId)).toHaveLength(32);
    expect(fs.readFileSync(file, 'utf8')).toBe(formatKeyring(keyring) + '\n');
  });

  it('creates the file with mode 0600 even under a permissive umask', () => {
    const previous = process.umask(0);
    try {
      expect(modeOf(loadOrCreateKeyFile(dir).file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('leaves no temporary file behind', () => {
    loadOrCreateKeyFile(dir);
    expect(fs.readdirSync(dir)).toEqual([KEY_FILE_NAME]);
  });

  it('creates a missing data directory', () => {
    const nested = path.join(dir, 'data', 'keys');
    expect(loadOrCreateKeyFile(nested).created).toBe(true);
    expect(fs.existsSync(path.join(nested, KEY_FILE_NAME))).toBe(true);
  });

  it('reads the same keyring back on the next start instead of making a new key', () => {
    const first = loadOrCreateKeyFile(dir);
    const second = loadOrCreateKeyFile(dir);
    expect(second.created).toBe(false);
    expect(formatKeyring(second.keyring)).toBe(formatKeyring(first.keyring));
  });

  it('gives processes that start together the one key that one of them created', async () => {
    const processes = Array.from({ length: 4 }, () => startProcess(dir));
    await Promise.all(processes.map((p) => p.ready));
    for (const p of processes) p.go();
    const results = await Promise.all(processes.map((p) => p.result));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    const onDisk = parseKeyring(fs.readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8')).primaryKeyId;
    expect(results.map((r) => r.primaryKeyId)).toEqual(results.map(() => onDisk));
    expect(fs.readdirSync(dir)).toEqual([KEY_FILE_NAME]);
  }, 30_000);

  it('reads a key file written by an operator in the keyring format', () => {
    const text = `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}\n`;
    fs.writeFileSync(path.join(dir, KEY_FILE_NAME), text, { mode: 0o600 });
    const { keyring, created } = loadOrCreateKeyFile(dir);
    expect(created).toBe(false);
    expect(keyring.primaryKeyId).toBe('k2');
    expect(keyring.keys.size).toBe(2);
  });

  it('refuses a key file that the group or others can access, saying to chmod 600 it', () => {
    const { file } = loadOrCreateKeyFile(dir);
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      fs.chmodSync(file, mode);
      expect(() => loadOrCreateKeyFile(dir)).toThrow(KeyFileError);
      expect(() => loadOrCreateKeyFile(dir)).toThrow(`chmod 600 ${file}`);
    }
    fs.chmodSync(file, 0o400);
    expect(loadOrCreateKeyFile(dir).created).toBe(false);
  });

  it('names the file and the bad entry of a key file that does not parse, without its contents', () => {
    const file = path.join(dir, KEY_FILE_NAME);
    const secret = Buffer.alloc(16, 7).toString('base64');
    fs.writeFileSync(file, `k1:${secret}\n`, { mode: 0o600 });
    let error: unknown;
    try {
      loadOrCreateKeyFile(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as KeyFileError).file).toBe(file);
    expect((error as KeyFileError).message).toContain(file);
    expect((error as KeyFileError).message).toContain('entry 0');
    expect((error as KeyFileError).message).not.toContain(secret);
  });

  it('refuses a key file name that is a directory', () => {
    fs.mkdirSync(path.join(dir, KEY_FILE_NAME), { mode: 0o700 });
    expect(() => loadOrCreateKeyFile(dir)).toThrow(/not a regular file/);
  });
});

describe('rotateKeyFile', () => {
  it('prepends a new primary key, keeps the old ones and keeps mode 0600', () => {
    const original = loadOrCreateKeyFile(dir);
    const rotated = rotateKeyFile(dir);
    expect(rotated.keyring.primaryKeyId).not.toBe(original.keyring.primaryKeyId);
    expect([...rotated.keyring.keys.keys()]).toEqual([rotated.keyring.primaryKeyId, original.keyring.primaryKeyId]);
    expect(modeOf(rotated.file)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([KEY_FILE_NAME]);

    const reloaded = loadOrCreateKeyFile(dir);
    expect(reloaded.created).toBe(false);
    expect(formatKeyring(reloaded.keyring)).toBe(formatKeyring(rotated.keyring));
    expect(reloaded.keyring.keys.get(original.keyring.primaryKeyId)).toEqual(
      original.keyring.keys.get(original.keyring.primaryKeyId),
    );
  });

  it('keeps every earlier key across several rotations', () => {
    loadOrCreateKeyFile(dir);
    rotateKeyFile(dir);
    const { keyring } = rotateKeyFile(dir);
    expect(parseKeyring(fs.readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8')).keys.size).toBe(3);
    expect(keyring.keys.size).toBe(3);
  });

  it('refuses to rotate when there is no key file rather than creating one', () => {
    expect(() => rotateKeyFile(dir)).toThrow(/no key file/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses to rotate a key file that others can read', () => {
    const { file } = loadOrCreateKeyFile(dir);
    fs.chmodSync(file, 0o644);
    expect(() => rotateKeyFile(dir)).toThrow(`chmod 600 ${file}`);
  });
});
