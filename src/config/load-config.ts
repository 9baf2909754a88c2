import { dirname, join, resolve } from 'node:path';
import { CellarError } from '../errors.js';
import { parseByteSize } from './byte-size.js';
import { coerceSubstituted } from './coerce.js';
import { type ConfigFile, ConfigFileSchema } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';
import { type DocumentIssue, InvalidDocumentError } from './document-error.js';
import { type Env, interpolateDocument } from './interpolate.js';
import { expandProductPaths } from './product-files.js';
import { schemaIssues } from './schema-errors.js';
import {
  type CellarConfig,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_CACHE_MAX_ENTITIES,
  DEFAULT_CHANGE_HISTORY_LIMIT,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_DIRTY_ENTITIES,
  DEFAULT_ORPHAN_WAIT_MS,
  DEFAULT_SERVER_PORT,
} from './types.js';
import { locateIssue, readYamlFile, type YamlFile } from './yaml-document.js';

/** Default listen address: loopback, so a fresh install is not reachable from the network. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';
/** Default environment variable holding the master key. */
export const DEFAULT_MASTER_KEY_ENV = 'CELLAR_MASTER_KEY';

const KNOWN_SECTIONS = new Set(Object.keys(ConfigFileSchema.properties));

/** An environment value, treating empty as unset (so `CELLAR_PORT=` does not override). */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function port(raw: ConfigFile, env: Env, issues: DocumentIssue[]): number {
  const text = envValue(env, 'CELLAR_PORT');
  if (text === undefined) return raw.server?.port ?? DEFAULT_SERVER_PORT;
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 65535)) {
    const message = `CELLAR_PORT (which overrides this) must be an integer from 0 to 65535; got ${JSON.stringify(text)}`;
    issues.push({ path: ['server', 'port'], message });
  }
  return value;
}

/** Applies defaults and environment overrides to a schema-valid file; problems go to `issues`. */
function resolveConfig(raw: ConfigFile, file: string, env: Env, issues: DocumentIssue[]): CellarConfig {
  const base = dirname(file);
  const dataDirEnv = envValue(env, 'CELLAR_DATA_DIR');
  const dataDir = dataDirEnv !== undefined ? resolve(dataDirEnv) : resolve(base, raw.dataDir ?? 'data');

  const store = {
    type: 'sqlite' as const,
    path: raw.store?.path === undefined ? join(dataDir, 'cellar.db') : resolve(base, raw.store.path),
    keysPath:
      raw.store?.keysPath === undefined ? join(dataDir, 'keys.db') : resolve(base, raw.store.keysPath),
  };
  if (store.path === store.keysPath) {
    const message = `expected a file apart from store.path (${store.path}): erasure relies on keys living apart from blobs`;
    issues.push({ path: ['store', 'keysPath'], message });
  }

  const masterKey = {
    env: raw.masterKey?.env ?? DEFAULT_MASTER_KEY_ENV,
    file: raw.masterKey?.file === undefined ? undefined : resolve(base, raw.masterKey.file),
    createIfMissing: raw.masterKey?.createIfMissing ?? false,
  };
  if (masterKey.createIfMissing && masterKey.file === undefined) {
    issues.push({
      path: ['masterKey', 'createIfMissing'],
      message: 'needs masterKey.file: the file to create',
    });
  }

  const products = expandProductPaths(raw.products ?? [], base);
  issues.push(...products.issues);

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_SECTIONS.has(key)) extra[key] = value;

  return {
    file,
    dataDir,
    store,
    masterKey,
    products: products.files,
    cache: {
      maxEntities: raw.cache?.maxEntities ?? DEFAULT_CACHE_MAX_ENTITIES,
      // The schema has checked the text form, so parsing cannot fail here.
      maxBytes:
        raw.cache?.maxBytes === undefined
          ? DEFAULT_CACHE_MAX_BYTES
          : (parseByteSize(raw.cache.maxBytes) ?? 0),
    },
    sync: {
      flushIntervalMs: raw.sync?.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxDirtyEntities: raw.sync?.maxDirtyEntities ?? DEFAULT_MAX_DIRTY_ENTITIES,
      orphanWaitMs: raw.sync?.orphanWaitMs ?? DEFAULT_ORPHAN_WAIT_MS,
      changeHistoryLimit: raw.sync?.changeHistoryLimit ?? DEFAULT_CHANGE_HISTORY_LIMIT,
    },
    server: {
      host: envValue(env, 'CELLAR_HOST') ?? raw.server?.host ?? DEFAULT_SERVER_HOST,
      port: port(raw, env, issues),
      ...(raw.server?.rateLimit === undefined ? {} : { rateLimit: { ...raw.server.rateLimit } }),
    },
    extra,
  };
}

function fail(yaml: YamlFile, issues: readonly DocumentIssue[]): never {
  throw new InvalidDocumentError(
    'CELLAR_ERR_CONFIG_INVALID',
    issues.map((issue) => locateIssue(yaml, issue)),
    'fix the listed fields; docs/configuration.md describes each one',
  );
}

/**
 * Loads, validates and freezes the runtime configuration from a YAML file (see
 * docs/configuration.md). `${VAR}` / `${VAR:-default}` references are read from `env`; then
 * `CELLAR_DATA_DIR`, `CELLAR_HOST` and `CELLAR_PORT` in `env` override the file. Relative paths
 * are resolved against the file's folder (`CELLAR_DATA_DIR` against the working directory).
 *
 * Caveat: product specs are only located here (their files must exist), not loaded.
 *
 * @throws CellarError CELLAR_ERR_CONFIG_NOT_FOUND when the file does not exist;
 *   {@link InvalidDocumentError} CELLAR_ERR_CONFIG_INVALID listing every problem otherwise.
 */
export function loadConfig(file: string, env: Env = process.env): CellarConfig {
  const absolute = resolve(file);
  const parsed = readYamlFile(absolute);
  if (parsed === undefined) {
    throw new CellarError('CELLAR_ERR_CONFIG_NOT_FOUND', `configuration file ${absolute} does not exist`, {
      hint: 'pass the path of cellar.yaml (e.g. --config config/cellar.yaml)',
    });
  }
  if (!parsed.ok) throw new InvalidDocumentError('CELLAR_ERR_CONFIG_INVALID', parsed.errors);
  const yaml = parsed.yaml;

  const { issues, substituted } = interpolateDocument(yaml.doc, env);
  // An empty file is an empty configuration: every default.
  const raw: unknown = yaml.doc.toJS() ?? {};
  coerceSubstituted(ConfigFileSchema, raw, substituted);
  issues.push(...schemaIssues(ConfigFileSchema, raw));
  if (issues.length > 0) fail(yaml, issues);

  const config = resolveConfig(raw as ConfigFile, absolute, env, issues);
  if (issues.length > 0) fail(yaml, issues);
  return deepFreeze(config);
}
