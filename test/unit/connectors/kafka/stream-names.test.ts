import { describe, expect, it } from 'vitest';
import { offsetOf, StreamNames } from '../../../../src/connectors/kafka/stream-names.js';

describe('StreamNames', () => {
  const names = new StreamNames('customer360/events');

  it('names a partition and parses it back', () => {
    expect(names.of('crm.public.customers', 3)).toBe('customer360/events/crm.public.customers/3');
    expect(names.parse('customer360/events/crm.public.customers/3')).toEqual({
      topic: 'crm.public.customers',
      partition: 3,
    });
  });

  it('refuses streams of other sources and malformed names', () => {
    expect(names.parse('customer360/sample')).toBeUndefined();
    expect(names.parse('customer360/events-b/t/0')).toBeUndefined();
    expect(names.parse('customer360/events/t/01')).toBeUndefined();
    expect(names.parse('customer360/events/t/x')).toBeUndefined();
    expect(names.parse('customer360/events/a/b/0')).toBeUndefined();
  });

  it('reads offsets exactly, beyond 2^53 too', () => {
    expect(offsetOf('0')).toBe(0n);
    expect(offsetOf('9007199254740993')).toBe(9007199254740993n);
    expect(offsetOf('-1')).toBeUndefined();
    expect(offsetOf('12a')).toBeUndefined();
    expect(offsetOf(undefined)).toBeUndefined();
  });
});
