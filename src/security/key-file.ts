import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  addPrimaryKey,
  createKeyring,
  formatKeyring,
  generateKey,
  generateKeyId,
  KeyringError,
  parseKeyring,
} from './keyring';
import type { EncryptionKeyring } from './keyring';

/** The key file's name inside the data directory. */
export const KEY_FILE_NAME = 'encryption.keys';

/** Owner read and write, nothing for anyone else. */
const KEY_FILE_MODE = 0o600;

/** Permission bits for the group and for others: a key file with any of them set is refused. */
const SHARED_MODE_BITS = 0o077;

/** Windows has no POSIX permission bits: Node reports made-up ones there, so they are not checked. */
const CHECKS_MODE = process.platform !== 'win32';

/** Link errors of file systems without hard links, where publishing falls back to a rename. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** The key file cannot be read, written or trusted. The message names the file, never key material. */
export class KeyFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeyFileError';
  }
}

/** A keyring and the file it was read from or written to. */
export interface KeyFile {
  keyring: EncryptionKeyring;
  /** Absolute path of the key file. */
  file: string;
}

/** The result of {@link loadOrCreateKeyFile}. */
export interface LoadedKeyFile extends KeyFile {
  /** True when this call wrote a new key file, so the data it encrypts starts under a fresh key. */
  created: boolean;
}

/**
 * Reads `<dir>/encryption.keys` (the text format of {@link parseKeyring}), or creates it with one new key
 * when it does not exist yet.
 *
 * A new file is written to a temporary file of mode 0600 and then published under its name with a hard
 * link, which fails when the name is taken: when the worker and the API start together on one data
 * directory, both end up with the one key file that won instead of each encrypting under a key the other
 * never sees. The directory is created (mode 0700) if needed.
 *
 * @throws KeyFileError when the file is readable or writable by the group or others (run `chmod 600` on
 * it), is not a regular file, or does not parse.
 */
export function loadOrCreateKeyFile(dir: string): LoadedKeyFile {
  const file = keyFilePath(dir);
  const existing = readKeyFile(file);
  if (existing) return { keyring: existing, file, created: false };

  const keyring = createKeyring([[generateKeyId(), generateKey()]]);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (publish(file, keyring, { replace: false })) return { keyring, file, created: true };

  // Another process created the file between our read and our link: use its key, not ours.
  const winner = readKeyFile(file);
  if (!winner) throw new KeyFileError(`${file} vanished while it was being created`, file);
  return { keyring: winner, file, created: false };
}

/**
 * Puts a new primary key in front of the keys in `<dir>/encryption.keys` and replaces the file atomically
 * (temporary file of mode 0600, then rename). The old keys stay, so everything encrypted before still
 * decrypts; processes use the new key once they reload the file.
 *
 * Run one rotation at a time: two concurrent rotations each keep only their own new key.
 *
 * @throws KeyFileError when there is no key file to rotate, or when {@link loadOrCreateKeyFile} would
 * refuse it.
 */
export function rotateKeyFile(dir: string): KeyFile {
  const file = keyFilePath(dir);
  const existing = readKeyFile(file);
  // Creating a file here would hide a mistyped directory and leave the real keys unrotated.
  if (!existing) throw new KeyFileError(`There is no key file at ${file} to rotate`, file);
  const keyring = addPrimaryKey(existing);
  publish(file, keyring, { replace: true });
  return { keyring, file };
}

function keyFilePath(dir: string): string {
  return path.resolve(dir, KEY_FILE_NAME);
}

/** The keyring in `file`, or undefined when there is no such file. */
function readKeyFile(file: string): EncryptionKeyring | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new KeyFileError(`Cannot open the key file ${file}: ${errorCode(err) ?? 'unknown error'}`, file, {
      cause: err,
    });
  }
  try {
    // Checked on the open descriptor, so the file judged is the file read.
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new KeyFileError(`The key file ${file} is not a regular file`, file);
    if (CHECKS_MODE && (stat.mode & SHARED_MODE_BITS) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
      throw new KeyFileError(
        `The key file ${file} is accessible to other users (mode ${mode}); run \`chmod 600 ${file}\``,
        file,
      );
    }
    const text = fs.readFileSync(fd, 'utf8');
    try {
      return parseKeyring(text);
    } catch (err) {
      if (err instanceof KeyringError) throw new KeyFileError(`${file}: ${err.message}`, file, { cause: err });
      throw err;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes the keyring to a private temporary file beside `file`, then gives it the name `file`. Without
 * `replace`, returns false and leaves an existing `file` alone.
 */
function publish(file: string, keyring: EncryptionKeyring, { replace }: { replace: boolean }): boolean {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // The mode is given at creation so the file is never readable by others, not even for a moment.
    const fd = fs.openSync(temp, 'wx', KEY_FILE_MODE);
    try {
      // The umask may have taken the owner's bits away too; it can never have added any.
      fs.fchmodSync(fd, KEY_FILE_MODE);
      fs.writeFileSync(fd, formatKeyring(keyring) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const published = replace ? replaceWith(temp, file) : linkUnlessTaken(temp, file);
    if (published) syncDirectory(path.dirname(file));
    return published;
  } catch (err) {
    if (err instanceof KeyFileError) throw err;
    throw new KeyFileError(`Cannot write the key file ${file}: ${errorCode(err) ?? 'unknown error'}`, file, {
      cause: err,
    });
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function replaceWith(temp: string, file: string): true {
  fs.renameSync(temp, file);
  return true;
}

function linkUnlessTaken(temp: string, file: string): boolean {
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') return false;
    if (code === undefined || !NO_HARD_LINKS.has(code)) throw err;
  }
  // Without hard links there is no atomic create-if-absent; a rename is atomic but may replace a file
  // another process published since we last looked, so look once more first.
  if (fs.existsSync(file)) return false;
  return replaceWith(temp, file);
}

/** Makes the new directory entry durable; some platforms cannot open directories, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // The file itself was synced; only the crash-durability of its name is lost.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
