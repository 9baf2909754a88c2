import { describe, expect, it } from 'vitest';
import {
  hintsFromEnvelopeSchema,
  hintsFromRowSchema,
} from '../../../../src/connectors/debezium/schema-hints.js';
import { envelopeSchema } from './fixtures.js';

describe('schema hints', () => {
  it('reads semantic names and decimal scales (string or number) from the row structs', () => {
    const schema = envelopeSchema([
      { type: 'int64', optional: false, field: 'id' },
      {
        type: 'bytes',
        name: 'org.apache.kafka.connect.data.Decimal',
        parameters: { scale: '3' },
        field: 'a',
      },
      { type: 'bytes', parameters: { scale: 4 }, field: 'b' },
      { type: 'int32', name: 'io.debezium.time.Date', field: 'c' },
      { type: 'struct', name: 'io.debezium.data.VariableScaleDecimal', field: 'd' },
    ]);
    expect(hintsFromEnvelopeSchema(schema)).toEqual({
      a: { semantic: 'org.apache.kafka.connect.data.Decimal', scale: 3 },
      b: { scale: 4 },
      c: { semantic: 'io.debezium.time.Date' },
      d: { semantic: 'io.debezium.data.VariableScaleDecimal' },
    });
  });

  it('merges before and after, after winning', () => {
    const schema = {
      type: 'struct',
      fields: [
        {
          type: 'struct',
          field: 'before',
          fields: [
            { field: 'x', name: 'old' },
            { field: 'y', name: 'only.before' },
          ],
        },
        { type: 'struct', field: 'after', fields: [{ field: 'x', name: 'new' }] },
      ],
    };
    expect(hintsFromEnvelopeSchema(schema)).toEqual({
      x: { semantic: 'new' },
      y: { semantic: 'only.before' },
    });
  });

  it('ignores bad scales, nameless fields and schemas that are not structs', () => {
    const row = {
      type: 'struct',
      fields: [
        { field: 'a', parameters: { scale: '-1' } },
        { field: 'b', parameters: { scale: 'two' } },
        { field: 'c', name: '' },
        { name: 'no.field' },
        'junk',
      ],
    };
    expect(hintsFromRowSchema(row)).toBeUndefined();
    for (const schema of [undefined, null, '<omitted in README>', 42, [], { type: 'struct' }]) {
      expect(hintsFromEnvelopeSchema(schema)).toBeUndefined();
    }
  });
});
