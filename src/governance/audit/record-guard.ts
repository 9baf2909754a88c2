/**
 * Shape checks for audit records: what `append` accepts from callers and what `verify` accepts
 * from disk. The central rule is that a record holds no entity data: entity fields must be keyed
 * hashes (64 lowercase hex), every other text is a bounded name without control characters, and
 * unknown fields are refused (so nothing rides along in an extra field).
 *
 * Problems are described by field name only; values are never echoed, since a wrong value may be
 * exactly the raw entity id that must not reach a log.
 */
import { ACCESS_OUTCOMES, AUDIT_KINDS, type AuditKind, CHECKPOINT_CAUSES } from './audit-record.js';

type Rule = (value: unknown) => string | undefined;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ACTION = /^[a-z][a-z0-9-]{0,63}$/;
const MAX_NAME_CHARS = 256;
const MAX_TOKEN_CHARS = 1024;
const MAX_LIST_ITEMS = 100_000;

function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function text(max: number): Rule {
  return (v) => {
    if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
    if (v.length > max) return `must be at most ${max} characters`;
    if (hasControlChar(v)) return 'must not contain control characters';
    return undefined;
  };
}

const name = text(MAX_NAME_CHARS);

function list(item: Rule): Rule {
  // Frozen arrays found valid: their items cannot change, and routes hand the same frozen column
  // lists to every record, so each is checked once.
  const valid = new WeakSet<readonly unknown[]>();
  return (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    if (valid.has(v)) return undefined;
    if (v.length > MAX_LIST_ITEMS) return `must have at most ${MAX_LIST_ITEMS} items`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i]);
      if (problem !== undefined) return `item ${i} ${problem}`;
    }
    if (Object.isFrozen(v)) valid.add(v);
    return undefined;
  };
}

function oneOf(values: readonly string[]): Rule {
  return (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Rule {
  return (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
}

const entityHash: Rule = (v) =>
  typeof v === 'string' && HEX64.test(v)
    ? undefined
    : 'must be a keyed hash of the entity id (64 lowercase hex characters), never the raw id';

const hex64: Rule = (v) => (typeof v === 'string' && HEX64.test(v) ? undefined : 'must be 64 lowercase hex');
const hex128: Rule = (v) =>
  typeof v === 'string' && HEX128.test(v) ? undefined : 'must be 128 lowercase hex';
const action: Rule = (v) =>
  typeof v === 'string' && ACTION.test(v) ? undefined : 'must be a lowercase kebab-case action name';

const isoTime: Rule = (v) =>
  typeof v === 'string' && ISO_MS.test(v) && !Number.isNaN(Date.parse(v))
    ? undefined
    : 'must be an ISO-8601 UTC time with milliseconds';

const positions: Rule = (v) => {
  if (!isPlainObject(v)) return 'must be an object of stream → token';
  const token = text(MAX_TOKEN_CHARS);
  for (const [stream, value] of Object.entries(v)) {
    const streamProblem = name(stream);
    if (streamProblem !== undefined) return `stream name ${streamProblem}`;
    const tokenProblem = token(value);
    if (tokenProblem !== undefined) return `token of a stream ${tokenProblem}`;
  }
  return undefined;
};

interface Shape {
  readonly required: Readonly<Record<string, Rule>>;
  readonly optional: Readonly<Record<string, Rule>>;
}

const SHAPES: Readonly<Record<AuditKind, Shape>> = {
  access: {
    required: {
      requestId: name,
      principal: name,
      roles: list(name),
      action,
      outcome: oneOf(ACCESS_OUTCOMES),
    },
    optional: {
      product: name,
      entity: entityHash,
      tables: list(name),
      columns: list(name),
      status: integer(100, 599),
    },
  },
  flush: {
    required: { entities: list(entityHash), events: integer(0), positions },
    optional: { product: name },
  },
  admin: {
    required: { action, principal: name, outcome: oneOf(ACCESS_OUTCOMES) },
    optional: { requestId: name, product: name, status: integer(100, 599) },
  },
  checkpoint: {
    required: {
      upTo: integer(0),
      upToHash: hex64,
      publicKey: hex64,
      signature: hex128,
      cause: oneOf(CHECKPOINT_CAUSES),
    },
    optional: {},
  },
};

const CHAIN: Readonly<Record<string, Rule>> = { seq: integer(1), at: isoTime, prev: hex64, hash: hex64 };

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A shape's required rules as a list, for append (`plain`) and with the chain fields (`chained`). */
interface RequiredRules {
  readonly plain: readonly (readonly [string, Rule])[];
  readonly chained: readonly (readonly [string, Rule])[];
}

// Built once: checking a record then allocates nothing per field.
const REQUIRED: Readonly<Record<AuditKind, RequiredRules>> = Object.fromEntries(
  AUDIT_KINDS.map((kind) => [
    kind,
    {
      plain: Object.entries(SHAPES[kind].required),
      chained: Object.entries({ ...CHAIN, ...SHAPES[kind].required }),
    },
  ]),
) as unknown as Readonly<Record<AuditKind, RequiredRules>>;

function checkShape(value: unknown, kinds: readonly AuditKind[], chain: boolean): string | undefined {
  if (!isPlainObject(value)) return 'the record must be an object';
  const kind = value.kind;
  if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) {
    return `field "kind" must be one of ${kinds.join(', ')}`;
  }
  const shape = SHAPES[kind as AuditKind];
  const required = chain ? REQUIRED[kind as AuditKind].chained : REQUIRED[kind as AuditKind].plain;
  for (const [field, rule] of required) {
    if (value[field] === undefined) return `field "${field}" is required for a ${kind} record`;
    const problem = rule(value[field]);
    if (problem !== undefined) return `field "${field}" ${problem}`;
  }
  for (const field of Object.keys(value)) {
    const member = value[field];
    if (field === 'kind' || member === undefined || isRequired(shape, field, chain)) continue;
    const rule = Object.hasOwn(shape.optional, field) ? shape.optional[field] : undefined;
    if (rule === undefined) return `field "${field}" is not part of a ${kind} record`;
    const problem = rule(member);
    if (problem !== undefined) return `field "${field}" ${problem}`;
  }
  return undefined;
}

function isRequired(shape: Shape, field: string, chain: boolean): boolean {
  return Object.hasOwn(shape.required, field) || (chain && Object.hasOwn(CHAIN, field));
}

/** Why `value` may not be appended by a caller (checkpoints are the log's own), or undefined. */
export function appendProblem(value: unknown): string | undefined {
  return checkShape(value, ['access', 'flush', 'admin'], false);
}

/** Why `value`, parsed from a line of the log, is not a well-formed record, or undefined. */
export function storedRecordProblem(value: unknown): string | undefined {
  return checkShape(value, AUDIT_KINDS, true);
}
