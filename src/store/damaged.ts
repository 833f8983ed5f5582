// SQLite's "the file is damaged" errors, wherever they surface (opening the store, or a query
// a command makes later): the store is damaged, which is an operational fact, not a bug.
import { OeflowError } from '../errors.js';

/** OEF-020 with what to do for a SQLITE_CORRUPT / SQLITE_NOTADB error; null for anything else. */
export function damagedStoreError(err: unknown, path?: string): OeflowError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return null;
  const where = path === undefined ? 'The state store' : `The state store ${path}`;
  return new OeflowError(
    'OEF-020',
    `${where} is damaged (${code}: ${err instanceof Error ? err.message : String(err)}).`,
    {
      cause: err,
      hint: 'Keep the damaged file for analysis and restore the store from your backup of it; `sqlite3 <store> "PRAGMA integrity_check"` shows the damage. Never start over with an empty store: its open runs would be forgotten.',
      details: { sqliteCode: code, ...(path === undefined ? {} : { path }) },
    },
  );
}
