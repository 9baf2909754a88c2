import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { MasterKeyConfig } from '../config/types.js';
import { CellarError } from '../errors.js';
import { decodeKeyText, encodeKeyText } from './key-text.js';
import { SecureKey } from './secure-buffer.js';

/**
 * Version of the first master key (the `masterKey` section). Kept in every wrapped key and check
 * value so that rotation can tell old wraps from new; rotation adds versions 2, 3, …
 * (docs/key-rotation.md).
 */
export const MASTER_KEY_VERSION = 1;

/** The loaded master key. `key` is in secure memory, unreadable between uses. */
export interface MasterKey {
  readonly key: SecureKey;
  readonly version: number;
  /** Where it came from: the environment, an existing key file, or a key file just created. */
  readonly source: 'env' | 'file' | 'created';
}

const KEY_FORMS = '32 bytes written as 64 hex digits or as base64 (44 characters)';
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

/**
 * Loads the master key: from the environment variable `cfg.env` when it is set and non-empty,
 * else from `cfg.file`, else — when `cfg.createIfMissing` — creates `cfg.file` with a random key
 * (mode 0600, missing parent folders 0700). `version` is the version the key is loaded as
 * (rotation loads versions 2, 3, … from their own variable or file).
 *
 * Errors never include the key text. A key file that group or others can read is refused.
 * Synchronous: it runs once at start-up.
 */
export function loadMasterKey(
  cfg: MasterKeyConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  version: number = MASTER_KEY_VERSION,
): MasterKey {
  const fromEnv = env[cfg.env];
  if (fromEnv !== undefined && fromEnv !== '') {
    return {
      key: keyFromText(Buffer.from(fromEnv, 'utf8'), `environment variable ${cfg.env}`),
      version,
      source: 'env',
    };
  }
  if (cfg.file === undefined) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `no master key: environment variable ${cfg.env} is not set and no key file is configured`,
      {
        hint: `set ${cfg.env} to ${KEY_FORMS} (${GENERATE_HINT}), or configure masterKey.file`,
      },
    );
  }
  const existing = readKeyFile(cfg.file);
  if (existing !== undefined) return { key: existing, version, source: 'file' };
  if (!cfg.createIfMissing) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `no master key: environment variable ${cfg.env} is not set and the key file ${cfg.file} does not exist`,
      {
        hint: `set ${cfg.env}, write ${KEY_FORMS} to ${cfg.file} with mode 0600 (${GENERATE_HINT}), or enable masterKey.createIfMissing for a demo`,
      },
    );
  }
  const created = createKeyFile(cfg.file);
  if (created !== undefined) return { key: created, version, source: 'created' };
  // Another process created the file between our read and our exclusive create: use theirs.
  const raced = readKeyFile(cfg.file);
  if (raced === undefined) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `the key file ${cfg.file} vanished while it was being created`,
    );
  }
  return { key: raced, version, source: 'file' };
}

/** The key in `path`, or undefined when the file does not exist. */
function readKeyFile(path: string): SecureKey | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `the master key file ${path} cannot be opened (${errnoOf(err) ?? 'error'})`,
      {
        hint: 'check the path and that the Cellar user may read it',
        cause: err,
      },
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new CellarError(
        'CELLAR_ERR_KEY_MASTER_INVALID',
        `the master key file ${path} is not a regular file`,
      );
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new CellarError(
        'CELLAR_ERR_KEY_MASTER_INSECURE',
        `the master key file ${path} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}: group or others may read it`,
        {
          hint: `run \`chmod 600 ${path}\` (in Kubernetes, mount the secret with defaultMode 0400)`,
        },
      );
    }
    const text = readFileSync(fd);
    try {
      return keyFromText(text, `key file ${path}`);
    } finally {
      text.fill(0);
    }
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` with a fresh random key; undefined when the file appeared meanwhile. */
function createKeyFile(path: string): SecureKey | undefined {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // O_EXCL: never overwrite a key (or follow a planted symlink) that appeared since we looked.
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return undefined;
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `the master key file ${path} cannot be created (${errnoOf(err) ?? 'error'})`,
      {
        hint: 'check that the folder is writable by the Cellar user',
        cause: err,
      },
    );
  }
  const key = SecureKey.random('noaccess');
  try {
    fchmodSync(fd, 0o600); // the umask may have narrowed it further; make it exactly 0600
    const text = key.use((bytes) => encodeKeyText(bytes));
    try {
      writeSync(fd, text);
    } finally {
      text.fill(0);
    }
    // Keys get wrapped under this key right after: it must survive a power loss before they do.
    fsyncSync(fd);
  } catch (err) {
    key.dispose();
    closeSync(fd);
    unlinkSync(path); // an empty key file would fail every later start as "malformed"
    throw err;
  }
  closeSync(fd);
  syncFolder(dirname(path));
  return key;
}

/** Makes a new entry in `dir` durable (best effort where folders cannot be opened, e.g. Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Not every platform can fsync a folder; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function keyFromText(text: Uint8Array, source: string): SecureKey {
  const bytes = decodeKeyText(text);
  if (bytes === undefined) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_INVALID',
      `the master key in ${source} is malformed: expected ${KEY_FORMS}`,
      {
        hint: GENERATE_HINT,
      },
    );
  }
  try {
    return SecureKey.copyOf(bytes, 'noaccess');
  } finally {
    bytes.fill(0);
  }
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
