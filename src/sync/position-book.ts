import type { Connector } from '../connectors/connector.js';
import type { SourcePosition } from './change-event.js';

/**
 * Where each stream stands: the newest position applied, the position last committed with the
 * blobs, and which connector owns the stream (to acknowledge it and tell it of dead letters).
 */
export class PositionBook {
  readonly #applied = new Map<string, { order: bigint; token: string }>();
  readonly #owners = new Map<string, Connector>();
  #committed = new Map<string, string>();

  /** Starts from the positions stored with the blobs. */
  load(committed: Map<string, string>): void {
    this.#committed = committed;
  }

  /** Stored positions after the last commit, stream → token. */
  get committed(): ReadonlyMap<string, string> {
    return this.#committed;
  }

  own(positions: readonly SourcePosition[], connector: Connector): void {
    for (const p of positions) this.#owners.set(p.stream, connector);
  }

  owner(stream: string): Connector | undefined {
    return this.#owners.get(stream);
  }

  /** Records positions as applied; a stream only ever moves forward. */
  applied(positions: readonly SourcePosition[]): void {
    for (const p of positions) {
      const seen = this.#applied.get(p.stream);
      if (!seen || p.order > seen.order) this.#applied.set(p.stream, { order: p.order, token: p.token });
    }
  }

  /** Applied positions not committed yet: what the next commit stores. */
  pending(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [stream, { token }] of this.#applied)
      if (this.#committed.get(stream) !== token) out.set(stream, token);
    return out;
  }

  /** Called once a commit holding `positions` is durable. */
  committedNow(positions: ReadonlyMap<string, string>): void {
    this.#committed = new Map([...this.#committed, ...positions]);
  }

  /** Acknowledges each connector with the committed positions of its own streams. */
  async acknowledge(positions: ReadonlyMap<string, string>): Promise<void> {
    const byConnector = new Map<Connector, Map<string, string>>();
    for (const [stream, token] of positions) {
      const owner = this.#owners.get(stream);
      if (!owner) continue;
      const map = byConnector.get(owner) ?? new Map<string, string>();
      map.set(stream, token);
      byConnector.set(owner, map);
    }
    for (const [connector, map] of byConnector) await connector.acknowledge(map);
  }
}
