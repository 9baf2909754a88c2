import { batch, EventBuilder, MemoryConnector } from '../../../../src/connectors/memory/memory-connector.js';
import type { RotationContext } from '../../../../src/crypto/rotation/rotation-context.js';
import { openSync } from '../../../../src/runtime/open-sync.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import { dumpEntities } from '../../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../../support/temp-runtime.js';

/** A temp runtime (the shop product) holding `customers` synced customers with an order each. */
export async function populated(customers: number): Promise<TempRuntime> {
  const temp = tempRuntime();
  const runtime = await temp.open();
  try {
    const e = new EventBuilder();
    const events = [];
    for (let id = 1; id <= customers; id += 1) {
      events.push(e.create('customers', { id, name: `customer ${id}`, email: `c${id}@example.com` }));
      events.push(e.create('orders', { id: 1000 + id, customer_id: id, total: `${id}.50`, status: 'new' }));
    }
    const { engine } = await openSync(runtime);
    await engine.run(
      [{ product: runtime.products.get('shop'), connector: new MemoryConnector('test', [batch(...events)]) }],
      {
        follow: false,
      },
    );
  } finally {
    await runtime.close();
  }
  return temp;
}

/** Every entity of the shop product, id → data, through a fresh runtime. */
export async function shopState(temp: TempRuntime): Promise<Map<string, unknown>> {
  const runtime = await temp.open();
  try {
    return await dumpEntities(runtime, 'shop');
  } finally {
    await runtime.close();
  }
}

/** A rotation context over an open runtime's stores, with an empty environment (file keys). */
export function contextOf(runtime: Runtime): RotationContext {
  return { config: runtime.config, keys: runtime.keys, blobs: runtime.blobs, env: {} };
}
