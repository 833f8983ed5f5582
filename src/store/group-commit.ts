// Group commit: a write whose durability can wait for the next durable one commits without its
// own fsync, and the next durable commit (or an explicit sync) makes both durable at once.
//
// Why it is safe (docs/architecture.md, durability protocol): in WAL mode a commit appends its
// frames to `<store>-wal` and, with synchronous=FULL, fsyncs that file; with synchronous=NORMAL
// it skips the fsync. The frames are visible to every connection at once either way, and they
// survive the death of the process (they are in the OS's page cache); only an OS crash or a
// power loss can lose them, and then SQLite's recovery keeps an unbroken prefix of the WAL (its
// frames are checksummed in a chain), so what survives is always a consistent earlier state.
// The fsync of a later commit flushes the whole file, earlier frames included. So a row written
// "with the next" is exactly as durable as the protocol needs as long as a durable commit or
// sync() comes before the next side effect that an OS crash would not undo: the engine makes a
// `once` step's intent durable before it acts, and sync()s before every utility spawn and site
// command but a quiet point's disable, whose effect an OS crash has too
// (engine/step-actor.ts, journalDurableBeforeSpawn; docs/architecture.md §5.9).
import type Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync } from 'node:fs';

export class GroupCommit {
  readonly #walPath: string | null;
  readonly #db: Database.Database;
  #walFd: number | null = null;
  /** Committed writes whose fsync is still owed. */
  #pending = false;
  /**
   * The connection's synchronous setting. A run of 'with-next' writes (a roll-forward file has
   * four between two durable intents) switches to NORMAL once, not twice per write; every
   * durable write and sync() switches back to FULL first (durable()).
   */
  #relaxedNow = false;

  constructor(db: Database.Database, path: string) {
    // ':memory:' has no WAL and nothing to make durable
    this.#walPath = path === ':memory:' || path === '' ? null : `${path}-wal`;
    this.#db = db;
  }

  /** True while a committed write still waits for its fsync. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Commit `write` without an fsync of its own (the connection stays NORMAL until the next durable write or sync()). */
  withNext<T>(write: () => T): T {
    if (this.#walPath === null) return write();
    if (!this.#relaxedNow) {
      setSynchronous(this.#db, 'NORMAL');
      this.#relaxedNow = true;
    }
    const out = write();
    this.#pending = true;
    return out;
  }

  /** Commit `write` with its own fsync (synchronous=FULL): every write not made 'with-next'. */
  durable<T>(write: () => T): T {
    this.full();
    return write();
  }

  /** Back to synchronous=FULL, the store's setting between runs of 'with-next' writes. */
  full(): void {
    if (!this.#relaxedNow) return;
    setSynchronous(this.#db, 'FULL');
    this.#relaxedNow = false;
  }

  /** A durable commit that wrote frames has just fsynced the WAL: nothing is owed any more. */
  synced(): void {
    this.#pending = false;
  }

  /** Make every committed write durable now: one fsync of the WAL, only when something is owed. */
  sync(): void {
    this.full();
    if (!this.#pending || this.#walPath === null) return;
    // fsync flushes the file, whichever descriptor names it; SQLite keeps `-wal` while any
    // connection (ours) is open, so the descriptor stays on the live file
    this.#walFd ??= openSync(this.#walPath, 'r');
    fsyncSync(this.#walFd);
    this.#pending = false;
  }

  /** Flush what is owed and let go of the descriptor (before the connection closes). */
  close(): void {
    try {
      this.sync();
    } finally {
      if (this.#walFd !== null) closeSync(this.#walFd);
      this.#walFd = null;
    }
  }
}

/**
 * SQLite applies `PRAGMA synchronous = …` when it compiles the statement, not when it runs it: a
 * statement prepared once and run again changes nothing until SQLite happens to recompile it (the
 * first 'with-next' write of a process used to run FULL). exec() compiles it every time.
 */
function setSynchronous(db: Database.Database, level: 'NORMAL' | 'FULL'): void {
  db.exec(`PRAGMA synchronous = ${level}`);
}
