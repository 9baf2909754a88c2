import type { Client } from 'pg';
import { quoteIdent } from './cdc-options.js';
import { decodePgoutput } from './pgoutput-decoder.js';
import type { PgoutputMessage } from './pgoutput-messages.js';

/**
 * The output plugin handed to pg-logical-replication: it starts pgoutput protocol 1 on the
 * source's publication and decodes messages with Cellar's own decoder, which keeps values as
 * PostgreSQL text (the package's decoder runs them through the driver's type parsers, losing
 * digits and microseconds). It also hands over the replication connection's client, which
 * Cellar needs for status updates and to pause reading (backpressure).
 */
export class PgoutputTextPlugin {
  readonly options: { readonly publication: string };

  constructor(
    publication: string,
    private readonly onClient: (client: Client) => void,
  ) {
    this.options = { publication };
  }

  get name(): string {
    return 'pgoutput';
  }

  start(client: Client, slotName: string, lastLsn: string): Promise<unknown> {
    this.onClient(client);
    // publication_names is parsed as a list of identifiers, so the name is quoted as one.
    const publications = quoteIdent(this.options.publication).replaceAll("'", "''");
    return client.query(
      `START_REPLICATION SLOT ${quoteIdent(slotName)} LOGICAL ${lastLsn} (proto_version '1', publication_names '${publications}')`,
    );
  }

  parse(buffer: Buffer): PgoutputMessage {
    return decodePgoutput(buffer);
  }
}
