import { createConnector } from '../connectors/create-connector.js';
import { TokenIndex } from '../governance/tokens/token-index.js';
import { tokenSettings } from '../governance/tokens/token-settings.js';
import { Tokenizer } from '../governance/tokens/tokenizer.js';
import { Applier } from '../sync/applier.js';
import { DeadLetterQueue } from '../sync/dead-letters.js';
import { Flusher } from '../sync/flusher.js';
import { ParkingLot } from '../sync/parking-lot.js';
import { RouteTable } from '../sync/route-table.js';
import { type BoundSource, SyncEngine } from '../sync/sync-engine.js';
import type { Runtime } from './runtime.js';

/** The sync engine of a runtime, with a connector for every configured streaming source. */
export async function openSync(runtime: Runtime): Promise<{ engine: SyncEngine; sources: BoundSource[] }> {
  const { blobs, keys, keyring, repo, products, config } = runtime;
  const routes = new RouteTable(blobs);
  const parking = await ParkingLot.open(blobs, keyring);
  const deadLetters = new DeadLetterQueue(keyring);
  // One token index for sync and the token API, so neither issues a token the other has claimed.
  const tokens = new TokenIndex(blobs);
  const tokenizer = new Tokenizer(keyring, tokens, tokenSettings(config));
  const engine = new SyncEngine(
    {
      blobs,
      repo,
      routes,
      applier: new Applier(keyring, routes, repo, tokenizer),
      flusher: new Flusher(blobs, keys, keyring, repo, routes, parking, deadLetters, tokens),
      parking,
      deadLetters,
      productsByName: new Map(products.list().map((p) => [p.name, p])),
      tokens,
    },
    config.sync,
  );
  const sources: BoundSource[] = [];
  for (const product of products.list()) {
    for (const source of product.sources) {
      if (source.type === 'postgres-pull') continue; // pulled on demand, not streamed
      sources.push({ product, connector: createConnector(product, source) });
    }
  }
  return { engine, sources };
}
