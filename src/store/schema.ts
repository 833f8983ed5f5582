// The store's DDL as an ordered list of migrations. The index + 1 of a migration is the
// `user_version` it brings the file to; migrations are append-only (never edit one
// that has shipped, add a new one).

/** One schema step: applied inside a single immediate transaction at open. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, journal (hash-chained, append-only), attempts, commands, locks, backups',
    sql: `
      CREATE TABLE runs (
        run_id        TEXT PRIMARY KEY,
        machine_id    TEXT NOT NULL,
        machine_hash  TEXT NOT NULL,
        db            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('running','completed','failed','aborted','needs-decision')),
        resumable     INTEGER NOT NULL DEFAULT 1 CHECK (resumable IN (0,1)),
        input_json    TEXT NOT NULL,
        snapshot_json TEXT,
        state_value   TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        ended_at      TEXT,
        host          TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        error_json    TEXT,
        last_seq      INTEGER NOT NULL DEFAULT 0,
        head_hash     TEXT NOT NULL
      );
      CREATE INDEX runs_db_created ON runs (db, created_at);

      CREATE TABLE journal (
        run_id    TEXT NOT NULL REFERENCES runs (run_id),
        seq       INTEGER NOT NULL CHECK (seq >= 1),
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('run-started','transition','intent','result','command','reconciliation','decision','lock-takeover','note','run-ended')),
        step_key  TEXT,
        attempt   INTEGER,
        data_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal rows are append-only'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal rows are append-only'); END;

      CREATE TABLE attempts (
        run_id      TEXT NOT NULL REFERENCES runs (run_id),
        step_key    TEXT NOT NULL,
        attempt     INTEGER NOT NULL CHECK (attempt >= 1),
        step_id     TEXT NOT NULL,
        intent_seq  INTEGER NOT NULL,
        result_seq  INTEGER,
        outcome     TEXT CHECK (outcome IN ('ok','error','reconciled-done','reconciled-not-done','decided-done','decided-not-done')),
        output_json TEXT,
        error_json  TEXT,
        PRIMARY KEY (run_id, step_key, attempt),
        FOREIGN KEY (run_id, intent_seq) REFERENCES journal (run_id, seq),
        FOREIGN KEY (run_id, result_seq) REFERENCES journal (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE commands (
        run_id        TEXT NOT NULL REFERENCES runs (run_id),
        step_key      TEXT NOT NULL,
        attempt       INTEGER NOT NULL,
        n             INTEGER NOT NULL CHECK (n >= 1),
        journal_seq   INTEGER NOT NULL,
        argv_json     TEXT NOT NULL,
        exit_code     INTEGER,
        signal        TEXT,
        duration_ms   INTEGER NOT NULL,
        stdout        TEXT NOT NULL,
        stderr        TEXT NOT NULL,
        messages_json TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        PRIMARY KEY (run_id, step_key, attempt, n),
        FOREIGN KEY (run_id, journal_seq) REFERENCES journal (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE locks (
        db           TEXT PRIMARY KEY,
        run_id       TEXT NOT NULL,
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        acquired_at  TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );

      CREATE TABLE backups (
        backup_id        TEXT PRIMARY KEY,
        db               TEXT NOT NULL,
        kind             TEXT NOT NULL CHECK (kind IN ('offline','online')),
        destination      TEXT NOT NULL,
        manifest_digest  TEXT,
        paired_ai_seq    INTEGER NOT NULL,
        db_identity_json TEXT,
        started_at       TEXT NOT NULL,
        completed_at     TEXT,
        run_id           TEXT,
        details_json     TEXT
      );
      CREATE INDEX backups_db_started ON backups (db, started_at);
    `,
  },
  {
    version: 2,
    description: 'journal row signatures (Ed25519 over the row hash) and the public keys that made them',
    sql: `
      ALTER TABLE journal ADD COLUMN sig_key_id TEXT;
      ALTER TABLE journal ADD COLUMN signature TEXT;
      CREATE TABLE signing_keys (
        key_id         TEXT PRIMARY KEY,
        public_key_pem TEXT NOT NULL,
        first_used_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'backups expired by retention (oeflow expire): the catalog row stays, its files are gone',
    sql: `
      ALTER TABLE backups ADD COLUMN expired_at TEXT;
    `,
  },
  {
    version: 4,
    description:
      'AI scan cache: `rfutil -C aimage scan` headers by file identity and by content hash (not evidence: never journaled)',
    sql: `
      CREATE TABLE ai_scan_cache (
        dev            TEXT NOT NULL,
        ino            TEXT NOT NULL,
        size           INTEGER NOT NULL,
        mtime_ns       TEXT NOT NULL,
        ctime_ns       TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        seqno          INTEGER NOT NULL,
        ai_begin_date  TEXT NOT NULL,
        scanned_at     TEXT NOT NULL,
        PRIMARY KEY (dev, ino)
      );
      CREATE INDEX ai_scan_cache_content ON ai_scan_cache (content_sha256);
      `,
  },
  {
    version: 5,
    description:
      'store log: one hash chain over the whole store anchoring every run start, end and decision (checkpoints prove it whole)',
    sql: `
      CREATE TABLE store_log (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL,
        run_id    TEXT NOT NULL,
        run_seq   INTEGER NOT NULL,
        run_hash  TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      );
      CREATE TRIGGER store_log_no_update BEFORE UPDATE ON store_log
        BEGIN SELECT RAISE(ABORT, 'store log entries are append-only'); END;
      CREATE TRIGGER store_log_no_delete BEFORE DELETE ON store_log
        BEGIN SELECT RAISE(ABORT, 'store log entries are append-only'); END;
    `,
  },
  {
    version: 6,
    description:
      "run inputs in their own table: a restore's input lists every AI file, and a runs row holding it was rewritten whole by every transition",
    // issue 9 (linear roll forward): every journal row updates its run's row (head hash, snapshot);
    // SQLite rewrites a row whose size changes in full, overflow pages included, so a 2,000-file
    // restore's input (~150 KB) was written again on each transition. runs.input_json stays (a
    // column cannot be dropped before SQLite 3.35) and is emptied.
    sql: `
      CREATE TABLE run_inputs (
        run_id     TEXT PRIMARY KEY REFERENCES runs (run_id),
        input_json TEXT NOT NULL
      );
      INSERT INTO run_inputs (run_id, input_json) SELECT run_id, input_json FROM runs;
      UPDATE runs SET input_json = '';
    `,
  },
];

/** The `user_version` a fully migrated store has. */
export const schemaVersion: number = migrations.length;
