import { describe, expect, it } from 'vitest';
import { rejection, stored } from './convert-helper.js';

describe('toStored: json', () => {
  it('keeps JSON text token for token, big numbers included', () => {
    expect(stored('json', '{"n": 12345678901234567890, "a": [1, 2.50], "s": "a  b"}')).toBe(
      '{"n":12345678901234567890,"a":[1,2.50],"s":"a  b"}',
    );
    expect(stored('json', '"say \\"hi\\""')).toBe('"say \\"hi\\""');
  });

  it('serializes JS values, bigints exactly', () => {
    expect(stored('json', { a: [1, 'x', null, true], b: undefined, n: 12345678901234567890n })).toBe(
      '{"a":[1,"x",null,true],"n":12345678901234567890}',
    );
    expect(stored('json', [])).toBe('[]');
    expect(stored('json', 5)).toBe('5');
  });

  it('converts PostgreSQL arrays', () => {
    expect(stored('json', '{a,"b c",NULL,"NULL","x\\"y"}', { pgType: '_text' })).toBe(
      '["a","b c",null,"NULL","x\\"y"]',
    );
    expect(stored('json', '{{1,2},{3,12345678901234567890}}', { pgType: '_int8' })).toBe(
      '[[1,2],[3,12345678901234567890]]',
    );
    expect(stored('json', '{t,f}', { pgType: '_bool' })).toBe('[true,false]');
    expect(stored('json', '[0:1]={1.50,2}', { pgType: '_numeric' })).toBe('[1.50,2]');
    expect(stored('json', '{}', { pgType: '_text' })).toBe('[]');
    expect(rejection(() => stored('json', '{a,b', { pgType: '_text' })).message).toContain('(json)');
  });

  it('rejects invalid JSON text and non-JSON values', () => {
    expect(rejection(() => stored('json', '{"a":')).message).toBe(
      'column t.c (json): expected JSON text (or a JSON value), got "{\\"a\\":"',
    );
    expect(rejection(() => stored('json', { d: new Date(0) })).message).toContain('(json)');
    expect(rejection(() => stored('json', [Number.NaN])).message).toContain('(json)');
  });
});
