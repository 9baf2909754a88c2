import { describe, expect, it } from 'vitest';
import { MICRO, MILLI, NANO, rejection, stored } from './convert-helper.js';

describe('toStored: date, timestamp, timestamptz', () => {
  it('stores dates as YYYY-MM-DD', () => {
    expect(stored('date', '2024-02-29')).toBe('2024-02-29');
    expect(stored('date', 19000, { semantic: 'io.debezium.time.Date' })).toBe('2022-01-08');
    expect(stored('date', -1)).toBe('1969-12-31');
    expect(rejection(() => stored('date', 19000, MICRO)).message).toContain('(date)');
    expect(rejection(() => stored('date', '2023-02-29')).message).toContain('(date)');
    expect(rejection(() => stored('date', '2024-01-02T00:00:00')).message).toContain('(date)');
  });

  it.each([
    ['2024-01-02T03:04:05', undefined, '2024-01-02T03:04:05.000000'],
    ['2024-01-02 03:04:05.123456', undefined, '2024-01-02T03:04:05.123456'],
    ['2024-01-02T03:04:05.1', undefined, '2024-01-02T03:04:05.100000'],
    ['2024-01-02T03:04:05.123456789', undefined, '2024-01-02T03:04:05.123456'],
    ['2024-01-02', undefined, '2024-01-02T00:00:00.000000'],
    ['2024-01-02T03:04:05+01:00', undefined, '2024-01-02T02:04:05.000000'],
    [1548936781000, MILLI, '2019-01-31T12:13:01.000000'],
    [1548936781000, undefined, '2019-01-31T12:13:01.000000'],
    [-1, undefined, '1969-12-31T23:59:59.999000'],
    [1548936781123456, MICRO, '2019-01-31T12:13:01.123456'],
    [1548936781123456n, MICRO, '2019-01-31T12:13:01.123456'],
    ['1548936781123456', MICRO, '2019-01-31T12:13:01.123456'],
    [1548936781123456789n, NANO, '2019-01-31T12:13:01.123456'],
    [-1n, MICRO, '1969-12-31T23:59:59.999999'],
    // A source date column mapped to a timestamp column: days since the epoch, not milliseconds.
    [19000, { semantic: 'io.debezium.time.Date' }, '2022-01-08T00:00:00.000000'],
    [-1, { semantic: 'org.apache.kafka.connect.data.Date' }, '1969-12-31T00:00:00.000000'],
  ])('stores timestamp %s (%o) as %s', (input, hint, expected) => {
    expect(stored('timestamp', input, hint)).toBe(expected);
  });

  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000000Z'],
    ['2024-01-02 03:04:05.123456+05:30', '2024-01-01T21:34:05.123456Z'],
    ['2024-01-01 23:30:00.000001-03', '2024-01-02T02:30:00.000001Z'],
    ['2024-12-31T23:59:59.999999-0100', '2025-01-01T00:59:59.999999Z'],
    ['1900-01-01 00:00:00+00:53:28', '1899-12-31T23:06:32.000000Z'],
  ])('normalizes timestamptz %s to UTC', (input, expected) => {
    expect(stored('timestamptz', input)).toBe(expected);
    expect(stored('timestamptz', input, { semantic: 'io.debezium.time.ZonedTimestamp' })).toBe(expected);
  });

  it('reads epoch timestamptz values as UTC', () => {
    expect(stored('timestamptz', 1548936781123456n, MICRO)).toBe('2019-01-31T12:13:01.123456Z');
    expect(stored('timestamptz', 19000, { semantic: 'io.debezium.time.Date' })).toBe(
      '2022-01-08T00:00:00.000000Z',
    );
  });

  it.each([
    ['timestamptz', '2024-01-02T03:04:05'],
    ['timestamp', '2024-13-02T03:04:05'],
    ['timestamp', '2024-01-02T24:00:00'],
    ['timestamp', '2024-01-02T03:04:60'],
    ['timestamp', 'yesterday'],
    ['timestamp', 1.5],
    ['timestamp', '1548936781000'],
    ['timestamptz', '2024-01-02T03:04:05+19:00'],
    ['timestamp', 253402300800000],
  ] as const)('rejects %s %s', (type, input) => {
    expect(rejection(() => stored(type, input)).message).toMatch(new RegExp(`^column t\\.c \\(${type}\\)`));
  });

  it('takes text already in the stored form as it is, checking it all the same', () => {
    for (const text of [
      '2024-02-29T23:59:59.999999',
      '0000-01-01T00:00:00.000000',
      '9999-12-31T23:59:59.000001',
    ]) {
      expect(stored('timestamp', text)).toBe(text);
      expect(stored('timestamptz', `${text}Z`)).toBe(`${text}Z`);
    }
    expect(stored('timestamptz', '2024-01-02T03:04:05.123456z')).toBe('2024-01-02T03:04:05.123456Z');
    expect(stored('timestamp', '2024-01-02t03:04:05.123456')).toBe('2024-01-02T03:04:05.123456');
    for (const bad of [
      '2023-02-29T00:00:00.000000',
      '2024-01-02T24:00:00.000000',
      '2024-01-02T23:60:00.000000',
      '2024-01-02T23:00:60.000000',
      '2024-00-02T23:00:00.000000',
      '2024-01-0xT23:00:00.000000',
    ]) {
      expect(rejection(() => stored('timestamp', bad)).message).toContain('(timestamp)');
      expect(rejection(() => stored('timestamptz', `${bad}Z`)).message).toContain('(timestamptz)');
    }
    expect(rejection(() => stored('timestamptz', '2024-01-02T03:04:05.123456')).message).toContain(
      'UTC offset',
    );
  });
});
