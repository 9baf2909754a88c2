import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConnectorConformance, type RowChange } from './conformance.js';
import { debeziumEnvelope } from './debezium-json.js';

/** The file source under the conformance suite: the source system is a JSON-lines file it appends to. */
describeConnectorConformance('file', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'cellar-file-conformance-'));
    const path = join(dir, 'changes.jsonl');
    writeFileSync(path, '');
    const append = (lines: readonly string[]) => appendFileSync(path, lines.map((l) => `${l}\n`).join(''));
    const encode = (changes: readonly RowChange[], snapshot: boolean) =>
      changes.map((c) => JSON.stringify(debeziumEnvelope(c, snapshot)));
    return {
      spec: `{ type: file, path: ${JSON.stringify(path)} }`,
      async snapshot(rows) {
        append(encode(rows, true));
      },
      async changes(changes) {
        append(encode(changes, false));
      },
      async badInput() {
        const order = (row: Record<string, unknown>) =>
          JSON.stringify(
            debeziumEnvelope({ op: 'insert', table: 'orders', row: row as RowChange['row'] }, false),
          );
        append([
          '{"op": "c", "after": {"id": 1', // not JSON
          JSON.stringify(
            debeziumEnvelope({ op: 'insert', table: 'invoices' as 'orders', row: { id: 9 } }, false),
          ),
          order({ id: 901, customer_id: 1, total: 'twelve', status: 'new' }), // wrong type
          order({ customer_id: 1, total: '1.00', status: 'new' }), // no primary key
        ]);
        return 4;
      },
      async close() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
