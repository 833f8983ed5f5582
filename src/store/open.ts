// Open the store: set the durability pragmas, assert them, migrate via user_version.

import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { OeflowError, isOeflowError } from '../errors.js';
import { damagedStoreError } from './damaged.js';
import { migrations, schemaVersion } from './schema.js';
import { BUSY_TIMEOUT_MS, assertDurable, readPragmas } from './pragmas.js';
import { sqlite } from './sqlite.js';
import { Store, type StoreOptions } from './store.js';

/**
 * Open (creating if needed) the state store at `path` and migrate it.
 * Throws OEF-020 when the file cannot be opened, OEF-021 when SQLite does not give the
 * required durability, OEF-022 when the schema is newer than this oeflow.
 * `':memory:'` is accepted for tests (WAL cannot apply there and is not asserted).
 * @example
 *   const store = openStore(resolveStatePath({ flag: opts.state, env: process.env.OEFLOW_STATE, cwd: process.cwd() }));
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const db = openDatabase(path);
  try {
    return new Store(db, path, options);
  } catch (cause) {
    db.close();
    throw cause;
  }
}

/** Open the SQLite file with pragmas asserted and schema migrated (the Store's connection). */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') {
    refuseEmptyFile(path);
    if (!existsSync(path)) createWhole(path);
  }
  return openExisting(path);
}

/**
 * A zero-length file at the store's path is not a store oeflow made (it creates stores whole,
 * below): a truncated store. Opening it would silently start a new, empty store and forget
 * its open runs.
 */
function refuseEmptyFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return;
  }
  if (size === 0) {
    throw new OeflowError(
      'OEF-020',
      `The state store ${path} is empty (0 bytes): it was truncated, and oeflow will not start a new store over it.`,
      {
        hint: 'Restore the store from your backup of it; only if you are sure no run was ever recorded there, move the file aside and run again.',
        details: { path, size: 0 },
      },
    );
  }
}

/**
 * Create a new store under a temporary name, migrate it, and link it into place: another
 * process creating the same store at the same time either wins the link or opens the one that
 * won; nobody ever sees a half-made or empty store.
 */
function createWhole(path: string): void {
  const tmp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    openExisting(tmp).close();
    try {
      linkSync(tmp, path);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OeflowError('OEF-020', `Cannot create the state store ${path}: ${message(cause)}`, {
          cause,
          details: { path },
        });
      }
    }
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

function openExisting(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new (sqlite())(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (cause) {
    throw new OeflowError('OEF-020', `Cannot open the state store ${path}: ${message(cause)}`, {
      cause,
      details: { path },
    });
  }
  try {
    applyPragmas(db, path);
    migrate(db, path);
    return db;
  } catch (cause) {
    db.close();
    if (isOeflowError(cause)) throw cause;
    throw (
      damagedStoreError(cause, path) ??
      new OeflowError('OEF-020', `Cannot open the state store ${path}: ${message(cause)}`, { cause, details: { path } })
    );
  }
}

function applyPragmas(db: Database.Database, path: string): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  assertDurable(readPragmas(db), path);
}

function userVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function migrate(db: Database.Database, path: string): void {
  const tooNew = (found: number): OeflowError =>
    new OeflowError(
      'OEF-022',
      `State store ${path} has schema version ${found}; this oeflow knows up to ${schemaVersion}`,
      {
        details: { path, found, supported: schemaVersion },
      },
    );
  const before = userVersion(db);
  if (before > schemaVersion) throw tooNew(before);
  if (before === schemaVersion) return;
  // Immediate: a second process opening the same fresh file waits here, then sees the
  // new version and applies nothing.
  db.transaction(() => {
    const current = userVersion(db);
    if (current > schemaVersion) throw tooNew(current);
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
