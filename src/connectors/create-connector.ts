import { CellarError } from '../errors.js';
import type { Product, SourceDef } from '../product/types.js';
import type { Connector } from './connector.js';
import { createFileConnector } from './file/file-connector.js';
import { createKafkaConnector } from './kafka/kafka-connector.js';
import { createPostgresCdcConnector } from './postgres-cdc/postgres-cdc-connector.js';

/** Builds the connector for a configured source. */
export function createConnector(product: Product, source: SourceDef): Connector {
  switch (source.type) {
    case 'file':
      return createFileConnector(product, source);
    case 'postgres-cdc':
      return createPostgresCdcConnector(product, source);
    case 'kafka':
      return createKafkaConnector(product, source);
    default:
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `source ${product.name}.${source.name}: type "${source.type}" is not available in this build`,
      );
  }
}
