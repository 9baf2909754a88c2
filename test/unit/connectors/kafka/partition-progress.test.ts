import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../../src/connectors/kafka/partition-progress.js';

const S = 'p/s/t/0';

describe('PartitionProgress', () => {
  it('knows the stored position, then what was delivered', () => {
    const progress = new PartitionProgress([[S, 41n]]);
    expect(progress.known(S)).toBe(41n);
    expect(progress.known('p/s/t/1')).toBeUndefined();
    progress.delivered(S, 50n, 52n);
    expect(progress.known(S)).toBe(50n);
    expect(progress.next(S)).toBe(53n);
  });

  it('commits offset + 1 of what is acknowledged, never going back', () => {
    const progress = new PartitionProgress();
    progress.delivered(S, 9n, 9n);
    progress.delivered(S, 19n, 19n);
    expect(progress.acknowledged(S, 9n)).toBe(10n);
    expect(progress.acknowledged(S, 19n)).toBe(20n);
    expect(progress.acknowledged(S, 19n)).toBeUndefined();
    expect(progress.acknowledged(S, 5n)).toBeUndefined();
  });

  it('covers skipped records after the last delivered one once that one is durable', () => {
    const progress = new PartitionProgress();
    progress.delivered(S, 7n, 9n); // 8 and 9 were tombstones
    expect(progress.skipped(S, 12n)).toBeUndefined(); // 7 is not durable yet
    expect(progress.acknowledged(S, 7n)).toBe(13n);
    expect(progress.skipped(S, 15n)).toBe(16n); // everything delivered is durable
  });

  it('does not commit past an acknowledged offset while later deliveries are pending', () => {
    const progress = new PartitionProgress();
    progress.delivered(S, 7n, 7n);
    progress.delivered(S, 20n, 25n);
    expect(progress.acknowledged(S, 7n)).toBe(8n);
    expect(progress.acknowledged(S, 20n)).toBe(26n);
  });

  it('commits a partition of only skipped records, and not below a commit Kafka has', () => {
    const progress = new PartitionProgress();
    expect(progress.skipped(S, 3n)).toBe(4n);
    progress.committedAt('p/s/t/1', 10n);
    expect(progress.skipped('p/s/t/1', 5n)).toBeUndefined();
  });

  it('starts where an assignment says, and reads on from there', () => {
    const progress = new PartitionProgress();
    progress.startAt(S, 100n);
    expect(progress.next(S)).toBe(100n);
    progress.delivered(S, 104n, 105n);
    expect(progress.next(S)).toBe(106n);
  });
});
