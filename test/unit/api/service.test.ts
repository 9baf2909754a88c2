import { afterEach, describe, expect, it } from 'vitest';
import { CellarService } from '../../../src/api/service.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { isCellarError } from '../../../src/errors.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { authSection, customerSpec, KEYS } from './api-fixture.js';

let temp: TempRuntime | undefined;
afterEach(() => temp?.cleanup());

function open(spec: string, extra = ''): Promise<CellarService> {
  temp = tempRuntime({ spec, extraConfig: [authSection(), extra].join('\n') });
  return CellarService.open(loadConfig(temp.configFile, {}), { env: {} });
}

const withSource = (path: string) =>
  customerSpec().replace('\naccess:', `\nsources:\n  sample: { type: file, path: ${path} }\naccess:`);

describe('CellarService', () => {
  it('syncs its sources, serves while doing so, and shuts down in order leaving a closed audit log', async () => {
    const service = await open(customerSpec());
    expect(service.syncState).toBe('starting');
    service.startSync({ follow: false });
    expect(service.syncState).toBe('running');
    await service.syncDone();
    expect(service.syncState).toBe('drained');
    const ready = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().checks).toEqual({ store: 'ok', sync: 'drained', audit: 'on' });
    await service.shutdown();
    await service.shutdown(); // idempotent
    expect(service.syncState).toBe('drained');
    await expect(
      service.audit?.append({ kind: 'flush', entities: [], events: 0, positions: {} }),
    ).rejects.toSatisfy((e: unknown) => isCellarError(e, 'CELLAR_ERR_AUDIT_CLOSED'));
    await expect(service.runtime.blobs.positions()).rejects.toSatisfy((e: unknown) =>
      isCellarError(e, 'CELLAR_ERR_STORE_CLOSED'),
    );
  });

  it('keeps serving when sync fails, and says so in /readyz', async () => {
    const service = await open(withSource('./missing.jsonl'));
    try {
      service.startSync({ follow: false });
      await service.syncDone();
      expect(service.syncState).toBe('failed');
      expect(service.syncFailure).toBeDefined();
      const ready = await service.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.message).toBe('not ready: the sync sources are failed');
      const read = await service.app.inject({
        method: 'GET',
        url: '/v1/products/customer360/entities/1001',
        headers: { authorization: `Bearer ${KEYS.support}` },
      });
      expect(read.statusCode).toBe(404);
    } finally {
      await service.shutdown();
    }
  });

  it('refuses to open without an auth section, before opening anything', async () => {
    temp = tempRuntime({ spec: customerSpec() });
    await expect(CellarService.open(loadConfig(temp.configFile, {}), { env: {} })).rejects.toSatisfy(
      (e: unknown) => isCellarError(e, 'CELLAR_ERR_AUTH_CONFIG'),
    );
  });

  it('opens without an audit log when audit.enabled is false', async () => {
    const service = await open(customerSpec(), 'audit: { enabled: false }');
    try {
      expect(service.audit).toBeUndefined();
      const ready = await service.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503); // not syncing yet
    } finally {
      await service.shutdown();
    }
  });
});
