import type { Keyring } from '../crypto/keyring.js';
import type { BlobStore, ParkedEvent } from '../store/blob-store.js';
import type { ChangeEvent } from './change-event.js';
import { DEAD_LETTER_KEY } from './dead-letters.js';
import { eventFromJson, eventToJson } from './event-json.js';

/** Parked events hold raw entity data, like dead letters, and share their key. */
const PARKED_KEY = DEAD_LETTER_KEY;

/** A parked event in memory, decrypted. */
export interface Parked {
  readonly waitsFor: string;
  readonly seq: number;
  readonly product: string;
  readonly event: ChangeEvent;
  readonly expiresAt: number;
  /** Routing-index hash of the row the event changes: a later delete of that row discards it. */
  readonly row: string | undefined;
}

/**
 * Child rows waiting for their parent (or for their entity's root row). Held in memory for
 * matching, and written encrypted to the store with the next commit so that a restart — whose
 * source positions are already past them — does not lose them.
 */
export class ParkingLot {
  readonly #waiting = new Map<string, Parked[]>();
  #park: ParkedEvent[] = [];
  #unpark: { waitsFor: string; seq: number }[] = [];
  #seq = Date.now();

  private constructor(private readonly keyring: Keyring) {}

  /** Loads every parked event from the store. */
  static async open(store: BlobStore, keyring: Keyring): Promise<ParkingLot> {
    const lot = new ParkingLot(keyring);
    for (const stored of await store.expiredParked(Number.MAX_SAFE_INTEGER)) {
      const { product, event, row } = JSON.parse(
        (await keyring.openSystem(PARKED_KEY, stored.payload)).toString('utf8'),
      ) as {
        product: string;
        row?: string;
        event: string;
      };
      lot.#hold({
        waitsFor: stored.waitsFor,
        seq: stored.seq,
        product,
        event: eventFromJson(event),
        expiresAt: stored.expiresAt,
        row,
      });
      lot.#seq = Math.max(lot.#seq, stored.seq + 1);
    }
    return lot;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#waiting.values()) n += list.length;
    return n;
  }

  async park(
    product: string,
    waitsFor: string,
    event: ChangeEvent,
    expiresAt: number,
    row?: string,
  ): Promise<void> {
    const parked: Parked = { waitsFor, seq: this.#seq++, product, event, expiresAt, row };
    this.#hold(parked);
    const payload = await this.keyring.sealSystem(
      PARKED_KEY,
      Buffer.from(JSON.stringify({ product, row, event: eventToJson(event) }), 'utf8'),
    );
    this.#park.push({ waitsFor, seq: parked.seq, payload, expiresAt });
  }

  /**
   * Drops every parked event that changes `row`: the row was deleted after they arrived, so
   * applying them when their parent comes would bring a deleted row back. Returns how many.
   */
  discardRow(row: string): number {
    let dropped = 0;
    for (const [waitsFor, list] of this.#waiting) {
      const keep = list.filter((p) => p.row !== row);
      if (keep.length === list.length) continue;
      for (const p of list) if (p.row === row) this.#forget(p);
      dropped += list.length - keep.length;
      if (keep.length === 0) this.#waiting.delete(waitsFor);
      else this.#waiting.set(waitsFor, keep);
    }
    return dropped;
  }

  /** True when some event waits for `waitsFor` (a cheap check before {@link release}). */
  isWaiting(waitsFor: string): boolean {
    return this.#waiting.has(waitsFor);
  }

  /** Takes every event waiting for `waitsFor`, oldest first. */
  release(waitsFor: string): Parked[] {
    const list = this.#waiting.get(waitsFor);
    if (!list) return [];
    this.#waiting.delete(waitsFor);
    for (const p of list) this.#forget(p);
    return list;
  }

  /** Takes every event whose wait has run out. */
  expired(now: number): Parked[] {
    const out: Parked[] = [];
    for (const [waitsFor, list] of this.#waiting) {
      const keep = list.filter((p) => p.expiresAt > now);
      for (const p of list) if (p.expiresAt <= now) out.push(p);
      if (keep.length === 0) this.#waiting.delete(waitsFor);
      else this.#waiting.set(waitsFor, keep);
    }
    for (const p of out) this.#forget(p);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Store changes since the last commit; the caller passes them to the commit. */
  drainChanges(): { park: ParkedEvent[]; unpark: { waitsFor: string; seq: number }[] } {
    const changes = { park: this.#park, unpark: this.#unpark };
    this.#park = [];
    this.#unpark = [];
    return changes;
  }

  #hold(parked: Parked): void {
    const list = this.#waiting.get(parked.waitsFor);
    if (list) list.push(parked);
    else this.#waiting.set(parked.waitsFor, [parked]);
  }

  #forget(parked: Parked): void {
    const i = this.#park.findIndex((p) => p.waitsFor === parked.waitsFor && p.seq === parked.seq);
    // Parked and released within one commit: it never needs to reach the store.
    if (i >= 0) this.#park.splice(i, 1);
    else this.#unpark.push({ waitsFor: parked.waitsFor, seq: parked.seq });
  }
}
