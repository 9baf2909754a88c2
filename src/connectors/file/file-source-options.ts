import { isAbsolute } from 'node:path';
import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { DebeziumFormat } from '../debezium/decode.js';

/** The settings of a `file` source, checked. */
export interface FileSourceOptions {
  /** Absolute path of the JSON-lines file (the spec loader resolves it against the spec's folder). */
  readonly path: string;
  /** How each line is encoded. Default `debezium` (full change-event envelopes). */
  readonly format: DebeziumFormat;
  /**
   * Source table (`schema.table`, `table` or topic) → product table. When the spec gives no map,
   * every product table maps to itself by name, so `source.table: customers` lands in `customers`.
   */
  readonly tables: ReadonlyMap<string, string>;
}

const FORMATS: readonly DebeziumFormat[] = ['debezium', 'debezium-unwrapped'];

/**
 * Reads and checks the options of a `file` source. Throws CELLAR_ERR_SOURCE_CONFIG naming the
 * product, the source and the option at fault.
 */
export function fileSourceOptions(product: Product, source: SourceDef): FileSourceOptions {
  const where = `source ${product.name}/${source.name}`;
  if (source.type !== 'file') {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where} has type ${source.type}, not file`);
  }
  const path = source.options.path;
  if (typeof path !== 'string' || path === '') {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: option path is missing`, {
      hint: 'give the JSON-lines file, e.g. `path: ../samples/customer360.jsonl`',
    });
  }
  if (!isAbsolute(path)) {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: option path must be absolute, got ${path}`, {
      hint: 'paths in a spec are resolved against the spec file by the product loader',
    });
  }
  const format = source.options.format ?? 'debezium';
  if (!FORMATS.includes(format as DebeziumFormat)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const tables =
    source.tables.size > 0 ? source.tables : new Map(product.tables.map((t) => [t.name, t.name] as const));
  for (const [from, to] of tables) {
    if (!product.tablesByName.has(to)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: tables maps ${from} to ${to}, which is not a table of the product`,
      );
    }
  }
  return Object.freeze({ path, format: format as DebeziumFormat, tables });
}
