import { describe, expect, it } from 'vitest';
import { PartitionPlan } from '../../../../src/connectors/kafka/partition-plan.js';
import { PartitionProgress } from '../../../../src/connectors/kafka/partition-progress.js';
import { StreamNames } from '../../../../src/connectors/kafka/stream-names.js';

const names = new StreamNames('p/s');
const committed = (offsets: Record<number, string>) => [
  {
    topic: 't',
    partitions: Object.entries(offsets).map(([p, offset]) => ({ partition: Number(p), offset })),
  },
];
const all = [0, 1, 2, 3].map((partition) => ({ topic: 't', partition }));

describe('PartitionPlan', () => {
  it('seeks after the stored position when it is ahead of the commit or there is none, else keeps the commit', () => {
    const progress = new PartitionProgress([
      [names.of('t', 0), 41n], // ahead of the commit (a crash between store commit and offset commit)
      [names.of('t', 1), 5n], // behind the commit (another member went on)
      [names.of('t', 2), 7n], // no commit (a new group, or offsets expired)
    ]);
    const plan = new PartitionPlan(names, progress, true);
    const seeks = plan.assign(all, committed({ 0: '40', 1: '30', 2: '-1', 3: '12' }));
    expect(seeks).toEqual([
      { topic: 't', partition: 0, offset: 42n },
      { topic: 't', partition: 2, offset: 8n },
    ]);
    expect([0, 1, 2, 3].map((p) => progress.next(names.of('t', p)))).toEqual([42n, 30n, 8n, 12n]);
  });

  it('is done, in a bounded run, once every assigned partition reached its start watermark', () => {
    const progress = new PartitionProgress();
    const plan = new PartitionPlan(names, progress, true);
    expect(plan.done()).toBe(false); // not bounded
    plan.setTargets(
      new Map([
        [names.of('t', 0), { low: 0n, high: 10n }],
        [names.of('t', 1), { low: 5n, high: 5n }], // empty
        [names.of('t', 2), { low: 3n, high: 9n }],
      ]),
    );
    expect(plan.done()).toBe(false); // no assignment yet
    plan.assign(all.slice(0, 3), committed({ 0: '4' }));
    expect(progress.next(names.of('t', 2))).toBe(3n); // from the beginning: the low watermark
    expect(plan.done()).toBe(false);
    progress.delivered(names.of('t', 0), 9n, 9n);
    expect(plan.done()).toBe(false);
    progress.skipped(names.of('t', 2), 8n);
    expect(plan.done()).toBe(true);
  });

  it('starts a partition without commit or position at the high watermark when not reading from the beginning', () => {
    const progress = new PartitionProgress();
    const plan = new PartitionPlan(names, progress, false);
    plan.setTargets(new Map([[names.of('t', 0), { low: 0n, high: 10n }]]));
    plan.assign(all.slice(0, 1), []);
    expect(plan.done()).toBe(true);
  });

  it('with nothing assigned, a bounded run is done', () => {
    const plan = new PartitionPlan(names, new PartitionProgress(), true);
    plan.setTargets(new Map([[names.of('t', 0), { low: 0n, high: 10n }]]));
    plan.assign([], []);
    expect(plan.done()).toBe(true);
  });
});
