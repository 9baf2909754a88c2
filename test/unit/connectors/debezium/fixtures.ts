import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared Debezium fixtures: `../shared/fixtures/debezium` relative to the repository root. */
export const FIXTURE_DIR = fileURLToPath(
  new URL('../../../../../shared/fixtures/debezium/', import.meta.url),
);

/** Every fixture file name in the folder (index.json excluded). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json') && name !== 'index.json')
    .sort();
}

/** The parsed fixture whose file name starts with `prefix` (e.g. `03`). */
export function fixture(prefix: string): unknown {
  const name = fixtureNames().find((n) => n.startsWith(`${prefix}-`));
  if (name === undefined) throw new Error(`no fixture ${prefix}-* in ${FIXTURE_DIR}`);
  return JSON.parse(readFileSync(FIXTURE_DIR + name, 'utf8'));
}

/** A JsonConverter envelope schema whose before/after structs have the given fields. */
export function envelopeSchema(fields: readonly Record<string, unknown>[]): Record<string, unknown> {
  const row = (field: string) => ({ type: 'struct', fields, optional: true, name: 'x.Value', field });
  return {
    type: 'struct',
    fields: [
      row('before'),
      row('after'),
      {
        type: 'struct',
        fields: [],
        optional: false,
        name: 'io.debezium.connector.postgresql.Source',
        field: 'source',
      },
      { type: 'string', optional: false, field: 'op' },
    ],
    optional: false,
    name: 'x.Envelope',
  };
}
