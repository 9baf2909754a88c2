import { describe, expect, it } from 'vitest';
import { rejection, stored } from './convert-helper.js';

describe('toStored: bytes', () => {
  it('accepts bytes, base64 and PostgreSQL hex', () => {
    expect(stored('bytes', new Uint8Array([1, 2]))).toEqual(new Uint8Array([1, 2]));
    expect(Buffer.from(stored('bytes', '/wAQ') as Uint8Array)).toEqual(Buffer.from([0xff, 0, 0x10]));
    expect(Buffer.from(stored('bytes', '\\x0102ff', { pgType: 'bytea' }) as Uint8Array)).toEqual(
      Buffer.from([1, 2, 255]),
    );
    expect(Buffer.from(stored('bytes', '\\x') as Uint8Array)).toEqual(Buffer.alloc(0));
  });

  it('rejects malformed text', () => {
    expect(rejection(() => stored('bytes', 'not base64!')).message).toContain('(bytes)');
    expect(rejection(() => stored('bytes', '/wAQ', { pgType: 'bytea' })).message).toContain('bytea hex');
    expect(rejection(() => stored('bytes', '\\x0')).message).toContain('(bytes)');
  });
});
