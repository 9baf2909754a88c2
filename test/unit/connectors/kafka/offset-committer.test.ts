import { describe, expect, it } from 'vitest';
import { type OffsetCommit, OffsetCommitter } from '../../../../src/connectors/kafka/offset-committer.js';

describe('OffsetCommitter', () => {
  it('coalesces requests made during a commit, highest offset per partition', async () => {
    const sent: OffsetCommit[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const committer = new OffsetCommitter(async (commits) => {
      sent.push([...commits]);
      if (sent.length === 1) await first;
    });
    committer.request({ topic: 't', partition: 0, offset: 5n });
    committer.request({ topic: 't', partition: 0, offset: 9n });
    committer.request({ topic: 't', partition: 0, offset: 7n });
    committer.request({ topic: 't', partition: 1, offset: 2n });
    release();
    await committer.flush();
    expect(sent).toEqual([
      [{ topic: 't', partition: 0, offset: 5n }],
      [
        { topic: 't', partition: 0, offset: 9n },
        { topic: 't', partition: 1, offset: 2n },
      ],
    ]);
  });

  it('counts a failure, keeps the offsets and sends them again on flush, without rejecting', async () => {
    const sent: OffsetCommit[][] = [];
    let fail = true;
    const committer = new OffsetCommitter(async (commits) => {
      sent.push([...commits]);
      if (fail) throw new Error('REBALANCE_IN_PROGRESS');
    });
    committer.request({ topic: 't', partition: 0, offset: 3n });
    await committer.flush(); // the failed commit and one retry, which fails too
    expect(committer.failures).toBe(2);
    expect((committer.lastError as Error).message).toBe('REBALANCE_IN_PROGRESS');
    fail = false;
    await committer.flush();
    expect(sent.at(-1)).toEqual([{ topic: 't', partition: 0, offset: 3n }]);
    await committer.flush();
    expect(sent).toHaveLength(3); // nothing left to send
  });
});
