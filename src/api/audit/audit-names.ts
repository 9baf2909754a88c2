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

/** Each name through {@link auditName}, at most {@link MAX_AUDIT_LIST_ITEMS} of them. */
export function auditNames(names: readonly string[]): string[] {
  return names.slice(0, MAX_AUDIT_LIST_ITEMS).map(auditName);
}
