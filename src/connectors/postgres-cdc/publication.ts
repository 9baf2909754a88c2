import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import { type PgSourceOptions, quoteIdent } from './cdc-options.js';

/** Prefix of the comment Cellar puts on a publication it created, so it only ever drops its own. */
const OWNER_MARK = 'cellar:';

interface PublicationRow {
  readonly all_tables: boolean;
  readonly comment: string | null;
}

async function findPublication(client: Client, name: string): Promise<PublicationRow | undefined> {
  const { rows } = await client.query<{ all_tables: string; comment: string | null }>(
    `select puballtables::text as all_tables, obj_description(oid, 'pg_publication') as comment
       from pg_publication where pubname = $1`,
    [name],
  );
  const row = rows[0];
  return row === undefined ? undefined : { all_tables: row.all_tables === 'true', comment: row.comment };
}

function isOurs(row: PublicationRow): boolean {
  return row.comment?.startsWith(OWNER_MARK) === true;
}

/**
 * Makes sure the source's publication exists and covers every source table. Creates it (marked
 * as Cellar's) when missing; adds missing tables to a publication Cellar created; refuses, with
 * CELLAR_ERR_SOURCE_CONFIG, a publication someone else made that lacks a table.
 *
 * Caveat: a table added to an existing publication is streamed from now on, but its existing
 * rows are not snapshotted: run `cellar backfill` for them.
 */
export async function ensurePublication(
  client: Client,
  options: PgSourceOptions,
): Promise<'created' | 'extended' | 'used'> {
  const name = quoteIdent(options.publication);
  const existing = await findPublication(client, options.publication);
  if (existing === undefined) {
    await client.query(`create publication ${name} for table ${options.tables.map((t) => t.sql).join(', ')}`);
    await client.query(
      `comment on publication ${name} is '${OWNER_MARK} created for ${options.where.replaceAll("'", "''")}'`,
    );
    return 'created';
  }
  if (existing.all_tables) return 'used';
  const { rows } = await client.query<{ schemaname: string; tablename: string }>(
    'select schemaname, tablename from pg_publication_tables where pubname = $1',
    [options.publication],
  );
  const covered = new Set(rows.map((r) => `${r.schemaname}.${r.tablename}`));
  const missing = options.tables.filter((t) => !covered.has(t.key));
  if (missing.length === 0) return 'used';
  if (!isOurs(existing)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${options.where}: publication ${options.publication} does not include ${missing.map((t) => t.key).join(', ')}`,
      { hint: `add them (alter publication ${name} add table …), or name another publication` },
    );
  }
  await client.query(`alter publication ${name} add table ${missing.map((t) => t.sql).join(', ')}`);
  return 'extended';
}

/**
 * Drops the source's publication if Cellar created it. Returns what happened: `dropped`, `kept`
 * (someone else's publication is left alone) or `absent`.
 */
export async function dropPublication(
  client: Client,
  options: PgSourceOptions,
): Promise<'dropped' | 'kept' | 'absent'> {
  const existing = await findPublication(client, options.publication);
  if (existing === undefined) return 'absent';
  if (!isOurs(existing)) return 'kept';
  await client.query(`drop publication if exists ${quoteIdent(options.publication)}`);
  return 'dropped';
}
