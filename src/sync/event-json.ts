import type { ChangeEvent } from './change-event.js';

/**
 * JSON for change events that keeps what plain JSON loses: bigints and bytes. Used for parked
 * events and dead letters, which are encrypted before they reach disk.
 */
export function eventToJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
    return v;
  });
}

export function eventFromJson(text: string): ChangeEvent {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$bigint === 'string' && Object.keys(o).length === 1) return BigInt(o.$bigint);
      if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$bytes, 'base64');
    }
    return v;
  }) as ChangeEvent;
}
