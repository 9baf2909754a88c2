import type { Prng } from './prng.js';

/**
 * The sample's source rows as the CRM database holds them. Times are epoch microseconds (the
 * precision of PostgreSQL `timestamp`), money is integer cents, dates are `YYYY-MM-DD`.
 */
export interface CustomerRow {
  readonly id: number;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  readonly ssn: string;
  readonly phone: string;
  readonly birth_date: string;
  readonly created_at: number;
}

export interface OrderRow {
  readonly id: number;
  readonly customer_id: number;
  readonly totalCents: number;
  readonly status: string;
  readonly placed_at: number;
}

export interface ItemRow {
  readonly id: number;
  readonly order_id: number;
  readonly sku: string;
  readonly qty: number;
}

/** The snapshot is taken at this instant (2024-06-01T00:00:00Z), in epoch ms. */
export const SNAPSHOT_MS = Date.UTC(2024, 5, 1);

export const FIRST_CUSTOMER_ID = 1001;
export const FIRST_ORDER_ID = 10001;
export const FIRST_ITEM_ID = 100001;

/** Customer 1001, always: the demo's well-known entity. Never deleted, email never changed. */
export function adaLovelace(prng: Prng): CustomerRow {
  return {
    id: FIRST_CUSTOMER_ID,
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada.lovelace@example.com',
    ssn: '078-05-1120',
    phone: '+44 20 7946 0018',
    birth_date: '1815-12-10',
    created_at: randomMicros(prng, Date.UTC(2015, 0, 1), Date.UTC(2016, 0, 1)),
  };
}

const FIRST_NAMES = (
  'Grace Alan Katherine Edsger Barbara Donald Frances John Radia Dennis Margaret Ken Hedy ' +
  'Claude Mary Tim Sophie Linus Anita Niklaus Joan Leslie Shafi Tony Lynn Guido Adele Bjarne ' +
  'Evelyn James Ida Vint Karen Robert Lois Whitfield Jean Seymour Ruth Ivan'
).split(' ');
const LAST_NAMES = (
  'Hopper Turing Johnson Dijkstra Liskov Knuth Allen Backus Perlman Ritchie Hamilton ' +
  'Thompson Lamarr Shannon Keller Berners Wilson Torvalds Borg Wirth Clarke Lamport ' +
  'Goldwasser Hoare Conway Rossum Goldberg Stroustrup Berezin Gosling Rhodes Cerf Jones ' +
  'Tarjan Haibt Diffie Bartik Cray Teitelbaum Sutherland'
).split(' ');
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const US_AREA_CODES = [202, 212, 305, 312, 415, 503, 617, 702, 808, 919];

/** A fictitious customer: example.* mail domains, 555-01xx phone numbers, synthetic SSNs. */
export function randomCustomer(prng: Prng, id: number): CustomerRow {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  return {
    id,
    first_name: first,
    last_name: last,
    email: emailFor(prng, first, last, id),
    ssn: randomSsn(prng),
    phone: `+1 ${prng.pick(US_AREA_CODES)} 555 01${pad(prng.int(0, 99), 2)}`,
    birth_date: isoDate(prng.int(Date.UTC(1940, 0, 1), Date.UTC(2005, 11, 31)) / 86_400_000),
    created_at: randomMicros(prng, Date.UTC(2015, 0, 1), SNAPSHOT_MS - 86_400_000 * 30),
  };
}

export function emailFor(prng: Prng, first: string, last: string, n: number): string {
  return `${first}.${last}${n}@${prng.pick(DOMAINS)}`.toLowerCase();
}

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const;

export function randomOrder(
  prng: Prng,
  id: number,
  customer: CustomerRow,
  placedFromMs: number,
  placedToMs: number,
) {
  const from = Math.max(placedFromMs, Math.floor(customer.created_at / 1000));
  return {
    id,
    customer_id: customer.id,
    totalCents: prng.int(499, 49_999),
    status: prng.pick(ORDER_STATUSES),
    placed_at: randomMicros(prng, from, Math.max(from + 1, placedToMs)),
  };
}

export function randomItem(prng: Prng, id: number, orderId: number): ItemRow {
  return { id, order_id: orderId, sku: `SKU-${pad(prng.int(1, 250) * 97, 5)}`, qty: prng.int(1, 5) };
}

function randomSsn(prng: Prng): string {
  let area = prng.int(1, 899);
  if (area === 666) area = 667;
  return `${pad(area, 3)}-${pad(prng.int(1, 99), 2)}-${pad(prng.int(1, 9999), 4)}`;
}

/** A time in [fromMs, toMs) with microsecond precision, as epoch microseconds. */
export function randomMicros(prng: Prng, fromMs: number, toMs: number): number {
  return prng.int(fromMs, toMs - 1) * 1000 + prng.int(0, 999);
}

/** `YYYY-MM-DD` of a day count since the epoch (fractions dropped). */
export function isoDate(days: number): string {
  return new Date(Math.floor(days) * 86_400_000).toISOString().slice(0, 10);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
