import { describe, expect, it } from 'vitest';
import { deadLetterHeaders, deadLetterTopicFor } from '../../../../src/connectors/kafka/dead-letter-topic.js';

describe('dead-letter topic records', () => {
  it('name their topic from the template', () => {
    expect(deadLetterTopicFor('{topic}.dlq', 'crm.public.orders')).toBe('crm.public.orders.dlq');
    expect(deadLetterTopicFor('cellar-dead-letters', 'crm.public.orders')).toBe('cellar-dead-letters');
  });

  it('carry code, reason and origin as cellar-* headers', () => {
    expect(
      deadLetterHeaders({
        origin: { topic: 'crm.public.orders', partition: 2, offset: '41' },
        code: 'CELLAR_ERR_EVENT_TYPE',
        reason: 'column orders.total (decimal): …',
        key: null,
        value: '{}',
        payload: 'record',
      }),
    ).toEqual({
      'cellar-error-code': 'CELLAR_ERR_EVENT_TYPE',
      'cellar-reason': 'column orders.total (decimal): …',
      'cellar-origin-topic': 'crm.public.orders',
      'cellar-origin-partition': '2',
      'cellar-origin-offset': '41',
      'cellar-payload': 'record',
    });
  });
});
