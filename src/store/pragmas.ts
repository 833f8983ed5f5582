// The durability pragmas the store requires, read back from a connection and asserted.

import type Database from 'better-sqlite3';
import { OeflowError } from '../errors.js';

export const BUSY_TIMEOUT_MS = 5000;
/** PRAGMA synchronous value of FULL. */
export const SYNCHRONOUS_FULL = 2;

/** The durability-relevant pragmas as a connection reports them. */
export interface PragmaReadings {
  journalMode: string;
  synchronous: number;
  busyTimeout: number;
  foreignKeys: number;
}

/** Read the pragmas the store depends on from a connection. */
export function readPragmas(db: Database.Database): PragmaReadings {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })).toLowerCase(),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    busyTimeout: Number(db.pragma('busy_timeout', { simple: true })),
    foreignKeys: Number(db.pragma('foreign_keys', { simple: true })),
  };
}

/**
 * Throw OEF-021 unless the readings are WAL (not checked for ':memory:', where SQLite
 * cannot do WAL), synchronous=FULL, busy_timeout=5000 and foreign_keys=ON. SQLite
 * ignores a journal_mode it cannot apply (e.g. some network filesystems), hence the check.
 */
export function assertDurable(actual: PragmaReadings, path: string): void {
  const inMemory = path === ':memory:' || path === '';
  const wrong: string[] = [];
  if (!inMemory && actual.journalMode !== 'wal') wrong.push(`journal_mode=${actual.journalMode} (need wal)`);
  if (actual.synchronous !== SYNCHRONOUS_FULL) wrong.push(`synchronous=${actual.synchronous} (need 2 = FULL)`);
  if (actual.busyTimeout !== BUSY_TIMEOUT_MS)
    wrong.push(`busy_timeout=${actual.busyTimeout} (need ${BUSY_TIMEOUT_MS})`);
  if (actual.foreignKeys !== 1) wrong.push(`foreign_keys=${actual.foreignKeys} (need 1 = ON)`);
  if (wrong.length > 0) {
    throw new OeflowError('OEF-021', `State store ${path} is not durable: ${wrong.join(', ')}`, {
      details: { path, ...actual },
    });
  }
}
