import { registerSqlExtension } from '../../microdb/sql-functions.js';
import { type HashKeyFor, registerMaskFunctions } from './mask-sql.js';

/** The process's masking set-up, if {@link installMasking} ran. */
let installed: { readonly hashKeyFor: HashKeyFor; readonly remove: () => void } | undefined;

/**
 * Registers the mask SQL functions on every micro-DB connection opened from now on, with
 * `hashKeyFor` giving each product's `hash` key; the query sandbox uses the same keys. Call it
 * once at start-up, before any entity is loaded: connections already open keep what they had
 * (a connection without the functions fails masked reads with "no such function", never shows
 * clear values). Calling it again replaces the keys for connections opened afterwards.
 *
 * Returns a function that uninstalls it (for tests).
 */
export function installMasking(hashKeyFor: HashKeyFor): () => void {
  installed?.remove();
  const remove = registerSqlExtension((db) => registerMaskFunctions(db, hashKeyFor));
  const current = { hashKeyFor, remove };
  installed = current;
  return () => {
    if (installed !== current) return;
    current.remove();
    installed = undefined;
  };
}

/** The keys given to {@link installMasking}, or undefined when masking is not installed. */
export function installedHashKeys(): HashKeyFor | undefined {
  return installed?.hashKeyFor;
}
