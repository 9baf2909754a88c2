import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { coerceSubstituted } from '../../../src/config/coerce.js';

const schema = Type.Object({
  port: Type.Integer(),
  enabled: Type.Boolean(),
  name: Type.String(),
  list: Type.Array(Type.Object({ n: Type.Number() })),
  extra: Type.Optional(Type.Unknown()),
});

describe('coerceSubstituted', () => {
  it('types substituted values where the schema expects a number or boolean', () => {
    const value = { port: '8080', enabled: 'true', name: '12', list: [{ n: '1.5' }] };
    coerceSubstituted(schema, value, [['port'], ['enabled'], ['name'], ['list', 0, 'n']]);
    expect(value).toEqual({ port: 8080, enabled: true, name: '12', list: [{ n: 1.5 }] });
  });

  it('leaves values written in the file alone, even where they are wrong', () => {
    const value = { port: '8080', enabled: 'true', name: 'x', list: [] };
    coerceSubstituted(schema, value, [['name']]);
    expect(value).toEqual({ port: '8080', enabled: 'true', name: 'x', list: [] });
  });

  it('leaves text that does not read as the expected type', () => {
    const value = { port: 'http', enabled: 'maybe', name: 'x', list: [], extra: '5' };
    coerceSubstituted(schema, value, [['port'], ['enabled'], ['extra']]);
    expect(value).toMatchObject({ port: 'http', enabled: 'maybe', extra: '5' });
  });
});
