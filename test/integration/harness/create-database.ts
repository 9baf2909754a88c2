import pg from 'pg';

/**
 * Creates database `name` on the server `url` points at and returns a URL for it (same server,
 * credentials and query parameters). Tests isolate from each other by database.
 *
 * If `name` exists already (a rerun against a long-lived `DATABASE_URL` server), it is dropped
 * first, together with its replication slots and sessions: give each test its own name, e.g. from
 * `uniqueName()`. `name` must match `[a-z_][a-z0-9_]{0,62}` so that it needs no quoting rules.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`createDatabase: name '${name}' must match [a-z_][a-z0-9_]{0,62}`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await dropSlots(client, name);
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return dbUrl.toString();
}

/** How long to wait for a terminated WAL sender to release its slot, in milliseconds. */
const SLOT_RELEASE_TIMEOUT_MS = 10_000;

/**
 * Drops every replication slot of database `name`. A logical slot pins its database: DROP DATABASE
 * refuses while one exists, active or not. A slot stays active for a moment after its WAL sender
 * is terminated, hence the retries on `object_in_use`.
 */
async function dropSlots(client: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + SLOT_RELEASE_TIMEOUT_MS;
  for (;;) {
    try {
      await client.query(
        'select pg_terminate_backend(active_pid) from pg_replication_slots where database = $1 and active_pid is not null',
        [name],
      );
      await client.query(
        'select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = $1',
        [name],
      );
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
