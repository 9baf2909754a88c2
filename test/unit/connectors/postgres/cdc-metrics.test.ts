import { describe, expect, it } from 'vitest';
import { CdcMetrics, RATE_WINDOW_S } from '../../../../src/connectors/postgres-cdc/cdc-metrics.js';
import { standbyStatus } from '../../../../src/connectors/postgres-cdc/standby-status.js';

describe('CdcMetrics', () => {
  it('report lag in bytes and seconds, the event rate over the window, and positions as LSN text', () => {
    const m = new CdcMetrics();
    m.confirmed = 0x1000n;
    m.receivedAt(0x1800n);
    m.serverAt(0x2000n);
    m.oldestPendingMs = () => 10_000;
    m.delivered(50, 20_000);
    m.delivered(30, 21_000);
    const s = m.snapshot(22_000);
    expect(s).toMatchObject({
      slotLsn: '0/00001000',
      receivedLsn: '0/00001800',
      serverLsn: '0/00002000',
      lagBytes: 0x1000,
      lagSeconds: 12,
      eventsTotal: 80,
    });
    expect(s.eventsPerSecond).toBe(80 / RATE_WINDOW_S);
    expect(
      m.snapshot(22_000 + RATE_WINDOW_S * 1000 + 1000).eventsPerSecond,
      'old seconds fall out of the window',
    ).toBe(0);
  });
});

describe('standbyStatus', () => {
  it('encodes written, flushed (= applied) positions, time since 2000-01-01 in µs, and the reply flag', () => {
    const msg = standbyStatus(0x20n, 0x10n, Date.UTC(2000, 0, 1, 0, 0, 1), true);
    expect(msg.length).toBe(34);
    expect(String.fromCharCode(msg[0] as number)).toBe('r');
    expect(msg.readBigUInt64BE(1)).toBe(0x20n);
    expect(msg.readBigUInt64BE(9)).toBe(0x10n);
    expect(msg.readBigUInt64BE(17)).toBe(0x10n);
    expect(msg.readBigInt64BE(25)).toBe(1_000_000n);
    expect(msg[33]).toBe(1);
  });
});
