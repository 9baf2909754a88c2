import { describe, expect, it } from 'vitest';
import { AckTracker, type CommittedTx } from '../../../../src/connectors/postgres-cdc/ack-tracker.js';
import { streamOrder } from '../../../../src/connectors/postgres-cdc/cdc-position.js';

function tx(commitLsn: bigint, lastIndex: number | undefined, commitTimeMs = 1000): CommittedTx {
  return {
    commitLsn,
    endLsn: commitLsn + 50n,
    lastOrder: lastIndex === undefined ? undefined : streamOrder(commitLsn, lastIndex),
    commitTimeMs,
  };
}

describe('AckTracker', () => {
  it('confirms a transaction only once its last change is durable, and in commit order', () => {
    const ack = new AckTracker(0n, 100n);
    expect(ack.committed(tx(200n, 4))).toBe(false);
    expect(ack.committed(tx(300n, 0))).toBe(false);
    expect(ack.confirmed).toBe(100n);
    expect(ack.acknowledged(streamOrder(200n, 3)), 'a partial transaction').toBe(false);
    expect(ack.confirmed).toBe(100n);
    expect(ack.acknowledged(streamOrder(200n, 4))).toBe(true);
    expect(ack.confirmed).toBe(250n);
    expect(ack.pending).toBe(1);
    expect(ack.acknowledged(streamOrder(300n, 0))).toBe(true);
    expect(ack.confirmed).toBe(350n);
  });

  it('passes transactions without mapped changes once everything before them is durable', () => {
    const ack = new AckTracker(0n, 100n);
    ack.committed(tx(200n, 1));
    ack.committed(tx(300n, undefined));
    expect(ack.confirmed).toBe(100n);
    ack.acknowledged(streamOrder(200n, 1));
    expect(ack.confirmed).toBe(350n);
    expect(ack.committed(tx(400n, undefined)), 'nothing waits: confirmed at once').toBe(true);
    expect(ack.confirmed).toBe(450n);
  });

  it('counts what the stored position covers as durable already (a restart re-reading a transaction)', () => {
    const ack = new AckTracker(streamOrder(200n, 4), 100n);
    expect(ack.committed(tx(200n, 4))).toBe(true);
    expect(ack.confirmed).toBe(250n);
  });

  it('moves to the server position between transactions only when nothing waits', () => {
    const ack = new AckTracker(0n, 100n);
    expect(ack.idle(500n)).toBe(true);
    expect(ack.confirmed).toBe(500n);
    ack.committed(tx(600n, 0));
    expect(ack.idle(900n)).toBe(false);
    expect(ack.idle(400n)).toBe(false);
    ack.acknowledged(streamOrder(600n, 0));
    expect(ack.idle(900n)).toBe(true);
    expect(ack.confirmed).toBe(900n);
  });

  it('never moves back, and ignores transactions sent again after a reconnect', () => {
    const ack = new AckTracker(0n, 1000n);
    expect(ack.committed(tx(500n, 0)), 'already confirmed').toBe(false);
    expect(ack.pending).toBe(0);
    ack.committed(tx(2000n, 1));
    ack.committed(tx(3000n, 0));
    ack.forgetFrom(3000n);
    expect(ack.pending).toBe(1);
    ack.committed(tx(2000n, 1));
    expect(ack.pending, 'a repeat of a queued transaction').toBe(1);
    ack.committed(tx(3000n, 0));
    ack.acknowledged(streamOrder(3000n, 0));
    expect(ack.confirmed).toBe(3050n);
    expect(ack.oldestPendingMs()).toBeUndefined();
  });

  it('reports the commit time of the oldest transaction still waiting', () => {
    const ack = new AckTracker(0n, 0n);
    ack.committed(tx(10n, 0, 111));
    ack.committed(tx(20n, 0, 222));
    expect(ack.oldestPendingMs()).toBe(111);
    ack.acknowledged(streamOrder(10n, 0));
    expect(ack.oldestPendingMs()).toBe(222);
  });
});
