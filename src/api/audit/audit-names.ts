/**
 * Making caller-supplied names fit an audit record. Principal names and roles can come from a
 * JWT (the caller's own text) and query column names from the caller's SQL; the audit log refuses
 * control characters, empty strings and names past 256 characters, and a refused record would
 * turn the request into an error. These are names, never entity data.
 */

/** Longest name kept (the log's limit). */
export const MAX_AUDIT_NAME_CHARS = 256;
/** Most roles or columns kept in one record. */
export const MAX_AUDIT_LIST_ITEMS = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** `text` with control characters replaced by `?`, cut to the limit; `?` when empty. */
export function auditName(text: string): string {
  const cleaned = text.replace(CONTROL, '?');
  if (cleaned.length === 0) return '?';
  return cleaned.length > MAX_AUDIT_NAME_CHARS ? `${cleaned.slice(0, MAX_AUDIT_NAME_CHARS - 3)}...` : cleaned;
}

/** Results for frozen lists (a principal's roles, a route's column lists): they cannot change. */
const frozenLists = new WeakMap<readonly string[], readonly string[]>();

/**
 * Each name through {@link auditName}, at most {@link MAX_AUDIT_LIST_ITEMS} of them. The result
 * for a frozen list is frozen and remembered, so the lists every request shares are cleaned once
 * (and the audit log, seeing the same frozen list again, serializes it once too).
 */
export function auditNames(names: readonly string[]): readonly string[] {
  const frozen = Object.isFrozen(names);
  if (frozen) {
    const known = frozenLists.get(names);
    if (known !== undefined) return known;
  }
  const cleaned = names.slice(0, MAX_AUDIT_LIST_ITEMS).map(auditName);
  if (!frozen) return cleaned;
  const result = Object.freeze(cleaned);
  frozenLists.set(names, result);
  return result;
}
