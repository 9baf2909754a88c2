/**
 * pgoutput protocol version 1 messages, as Cellar decodes them: values stay in PostgreSQL's text
 * form. https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 */

/**
 * One column value of a tuple: text, `null` for SQL NULL, or `undefined` for an unchanged TOAST
 * value the server did not send (pgoutput's `u` kind) — "keep what you have".
 */
export type TupleValue = string | null | undefined;

/** Column values in the relation's column order. */
export type Tuple = readonly TupleValue[];

export interface RelationColumn {
  readonly name: string;
  /** Part of the replica identity (the primary key, the identity index, or every column for FULL). */
  readonly isKey: boolean;
  readonly typeOid: number;
}

export type PgoutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTimeMs: number; readonly xid: number }
  | {
      readonly tag: 'commit';
      readonly commitLsn: bigint;
      readonly endLsn: bigint;
      readonly commitTimeMs: number;
    }
  | {
      readonly tag: 'relation';
      readonly relationId: number;
      readonly schema: string;
      readonly name: string;
      /** `d` default, `n` nothing, `f` full, `i` index. */
      readonly replicaIdentity: string;
      readonly columns: readonly RelationColumn[];
    }
  | { readonly tag: 'type'; readonly typeOid: number; readonly schema: string; readonly name: string }
  | { readonly tag: 'insert'; readonly relationId: number; readonly newTuple: Tuple }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** `K`: the old replica-identity key (identity changed); `O`: the whole old row (FULL). */
      readonly oldKind: 'K' | 'O' | undefined;
      readonly oldTuple: Tuple | undefined;
      readonly newTuple: Tuple;
    }
  | {
      readonly tag: 'delete';
      readonly relationId: number;
      readonly oldKind: 'K' | 'O';
      readonly oldTuple: Tuple;
    }
  | { readonly tag: 'truncate'; readonly relationIds: readonly number[] }
  | { readonly tag: 'origin' }
  | { readonly tag: 'message' }
  /** Bytes that could not be decoded: the stream cannot be trusted past this point. */
  | { readonly tag: 'undecodable'; readonly reason: string };
