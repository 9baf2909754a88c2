import type { StatementCache } from './statement-cache.js';
import type { WriteLog } from './write-log.js';

/** One entry of an entity's vault: a token and the value it stands for. */
export interface VaultEntry {
  readonly token: string;
  /** The tokenized column, as `table.column`. */
  readonly column: string;
  readonly value: string;
  /** When the token was issued, epoch ms. */
  readonly createdAt: number;
}

/**
 * Reads and writes `_cellar_vault`, the entity's own token vault: token → (column, value). It
 * lives inside the micro-DB, so it is encrypted with the entity and erased with it. Used by
 * tokenization (src/governance/tokens/); the token index in the store says which entity holds a
 * token, this table holds its value.
 */
export class VaultStore {
  /**
   * @param statements the statements of the micro-DB's connection, opening it when it is not yet
   * @param pending the micro-DB's pending writes while its connection is not open (see
   *   {@link WriteLog}); undefined once it is
   */
  constructor(
    private readonly statements: () => StatementCache,
    private readonly pending: () => WriteLog | undefined = () => undefined,
  ) {}

  /** The entry of `token`, or undefined. */
  get(token: string): VaultEntry | undefined {
    if (this.pending()?.vaultEntries === 0) return undefined;
    const row = this.statements()
      .get(
        'vault:get',
        () => 'SELECT "token", "col", "value", "created_at" FROM "_cellar_vault" WHERE "token" = ?',
      )
      .get(token) as { token: string; col: string; value: string; created_at: bigint } | undefined;
    return row === undefined
      ? undefined
      : { token: row.token, column: row.col, value: row.value, createdAt: Number(row.created_at) };
  }

  /** A token already issued for `value` in `column` (the oldest), or undefined. */
  find(column: string, value: string): string | undefined {
    if (this.pending()?.vaultEntries === 0) return undefined;
    return this.statements()
      .get(
        'vault:find',
        () =>
          'SELECT "token" FROM "_cellar_vault" WHERE "col" = ? AND "value" = ? ORDER BY "created_at", "token" LIMIT 1',
        true,
      )
      .get(column, value) as string | undefined;
  }

  /** Adds an entry; an entry with the same token is kept as it is (tokens never change value). */
  put(entry: VaultEntry): void {
    const pending = this.pending();
    // A time that would not bind goes the open-connection way, to fail now, not at replay.
    if (pending !== undefined && Number.isSafeInteger(Math.trunc(entry.createdAt))) {
      pending.vault(entry);
      return;
    }
    this.statements()
      .get(
        'vault:put',
        () =>
          'INSERT INTO "_cellar_vault" ("token", "col", "value", "created_at") VALUES (?, ?, ?, ?) ON CONFLICT ("token") DO NOTHING',
      )
      .run(entry.token, entry.column, entry.value, BigInt(Math.trunc(entry.createdAt)));
  }

  /** How many tokens the vault holds. */
  count(): number {
    if (this.pending()?.vaultEntries === 0) return 0;
    return Number(
      this.statements()
        .get('vault:count', () => 'SELECT count(*) FROM "_cellar_vault"', true)
        .get(),
    );
  }
}
