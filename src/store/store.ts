// The Store: every query oeflow runs. Statements are prepared once per instance; every
// write is one synchronous immediate transaction (no await inside), so a journal row
// and the state it describes are committed together or not at all.

import type Database from 'better-sqlite3';
import { sqlite } from './sqlite.js';
import { OeflowError } from '../errors.js';
import { readPragmas, type PragmaReadings } from './pragmas.js';
import type { CachedHeader, FileIdentity, ScanToRemember } from '../aichain/scan-cache.js';
import { GENESIS_HASH, canonicalJson, journalHash, journalHashOfText, sha256Hex, storeLogHash } from './hash-chain.js';
import type {
  RowSigner,
  AttemptOutcome,
  AttemptRow,
  BackupInput,
  BackupRow,
  CommandRow,
  JournalKind,
  JournalRow,
  LockRow,
  RunRow,
  RunStatus,
  RunSummary,
  StoreLogRow,
} from './types.js';
import { decodeJournal, type JournalEntry } from './journal-entry.js';
import { GroupCommit } from './group-commit.js';

/** Journal kinds the store log anchors: a run's start, its end and every operator decision (docs: README, store checkpoints). */
const ANCHORED_KINDS: ReadonlySet<JournalKind> = new Set(['run-started', 'run-ended', 'decision']);

interface StoreLogRecord {
  seq: number;
  at: string;
  kind: string;
  run_id: string;
  run_seq: number;
  run_hash: string;
  prev_hash: string;
  hash: string;
}

export interface StoreOptions {
  /** Clock for every timestamp the store writes (tests pin it); defaults to the system clock. */
  now?: () => Date;
  /** Signs every journal row this connection appends (see row-signing.ts). */
  signer?: RowSigner;
}

export interface CreateRunInput {
  runId: string;
  machineId: string;
  machineHash: string;
  db: string;
  kind: string;
  input: unknown;
  host: string;
  pid: number;
  /** The OS user who started the run (journaled in run-started when given, for the evidence). */
  osUser?: string;
}

export interface SetRunStatusExtra {
  /** Recorded as the run's error; pass null to clear it (e.g. on resume). */
  error?: unknown;
  /** Whether a failed run may be resumed; left unchanged when omitted (default true). */
  resumable?: boolean;
  /** true sets ended_at to now, false clears it, omitted leaves it. */
  ended?: boolean;
}

export interface TransitionInput {
  event: unknown;
  from: unknown;
  to: unknown;
  snapshot: unknown;
}

export interface JournalInput {
  kind: JournalKind;
  stepKey?: string;
  attempt?: number;
  data: unknown;
}

export interface IntentInput {
  stepKey: string;
  stepId: string;
  attempt: number;
  data: unknown;
}

/** A finished utility run to record: the command row without what the store assigns. */
export type CommandInput = Omit<CommandRow, 'runId' | 'n' | 'journalSeq'>;

export interface ResultInput {
  stepKey: string;
  attempt: number;
  outcome: AttemptOutcome;
  output?: unknown;
  error?: unknown;
  /** Extra journal data (probe values of a reconciliation, operator and reason of a decision). */
  details?: unknown;
  /** The run's status after this result, set in the same transaction (an operator's decision reopens the run). */
  runStatus?: RunStatus;
}

export interface LockClaim {
  db: string;
  runId: string;
  host: string;
  pid: number;
}

export type ChainCheck = { ok: true; rows: number } | { ok: false; brokenAtSeq: number; reason: string };

// Raw rows as SQLite returns them.
interface RunRecord {
  run_id: string;
  machine_id: string;
  machine_hash: string;
  db: string;
  kind: string;
  status: RunStatus;
  resumable: number;
  input_json: string;
  snapshot_json: string | null;
  state_value: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  host: string;
  pid: number;
  error_json: string | null;
  last_seq: number;
  head_hash: string;
}
interface JournalRecord {
  run_id: string;
  seq: number;
  at: string;
  kind: JournalKind;
  step_key: string | null;
  attempt: number | null;
  data_json: string;
  prev_hash: string;
  hash: string;
  sig_key_id: string | null;
  signature: string | null;
}
interface AttemptRecord {
  run_id: string;
  step_key: string;
  attempt: number;
  step_id: string;
  intent_seq: number;
  intent_json: string;
  result_seq: number | null;
  outcome: AttemptOutcome | null;
  output_json: string | null;
  error_json: string | null;
}
interface CommandRecord {
  run_id: string;
  step_key: string;
  attempt: number;
  n: number;
  journal_seq: number;
  argv_json: string;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  stdout: string;
  stderr: string;
  messages_json: string;
  started_at: string;
}
interface LockRecord {
  db: string;
  run_id: string;
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_at: string;
}
interface BackupRecord {
  backup_id: string;
  db: string;
  kind: 'offline' | 'online';
  destination: string;
  manifest_digest: string | null;
  paired_ai_seq: number;
  db_identity_json: string | null;
  started_at: string;
  completed_at: string | null;
  run_id: string | null;
  details_json: string | null;
  expired_at?: string | null;
}

const RUN_COLUMNS = `runs.run_id, machine_id, machine_hash, db, kind, status, resumable, run_inputs.input_json,
  snapshot_json, state_value, created_at, updated_at, ended_at, host, pid, error_json, last_seq, head_hash`;
/** A run with its input, which lives in its own table (schema.ts, version 6). */
const RUNS_WITH_INPUT = 'runs JOIN run_inputs ON run_inputs.run_id = runs.run_id';
type SummaryRecord = Pick<
  RunRecord,
  | 'run_id'
  | 'machine_id'
  | 'db'
  | 'kind'
  | 'status'
  | 'resumable'
  | 'state_value'
  | 'created_at'
  | 'updated_at'
  | 'ended_at'
>;
const SUMMARY_COLUMNS =
  'run_id, machine_id, db, kind, status, resumable, state_value, created_at, updated_at, ended_at';
const OPEN_RUN_CONDITION = `(status IN ('running', 'needs-decision', 'aborted') OR (status = 'failed' AND resumable = 1))`;
const ATTEMPT_SELECT = `SELECT a.run_id, a.step_key, a.attempt, a.step_id, a.intent_seq, j.data_json AS intent_json,
  a.result_seq, a.outcome, a.output_json, a.error_json
  FROM attempts a JOIN journal j ON j.run_id = a.run_id AND j.seq = a.intent_seq`;

/** Journal kind of a result row, by the outcome's origin. */
function resultKind(outcome: AttemptOutcome): JournalKind {
  if (outcome.startsWith('reconciled-')) return 'reconciliation';
  if (outcome.startsWith('decided-')) return 'decision';
  return 'result';
}

function parseJson(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : canonicalJson(value);
}

function toRun(r: RunRecord): RunRow {
  return {
    runId: r.run_id,
    machineId: r.machine_id,
    machineHash: r.machine_hash,
    db: r.db,
    kind: r.kind,
    status: r.status,
    resumable: r.resumable === 1,
    input: parseJson(r.input_json),
    snapshot: parseJson(r.snapshot_json),
    stateValue: parseJson(r.state_value),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
    host: r.host,
    pid: r.pid,
    error: parseJson(r.error_json),
    lastSeq: r.last_seq,
    headHash: r.head_hash,
  };
}

function toJournal(r: JournalRecord): JournalRow {
  return {
    runId: r.run_id,
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    stepKey: r.step_key,
    attempt: r.attempt,
    data: parseJson(r.data_json),
    prevHash: r.prev_hash,
    hash: r.hash,
    sigKeyId: r.sig_key_id,
    signature: r.signature,
  };
}

function toAttempt(r: AttemptRecord): AttemptRow {
  return {
    runId: r.run_id,
    stepKey: r.step_key,
    attempt: r.attempt,
    stepId: r.step_id,
    intentSeq: r.intent_seq,
    intent: parseJson(r.intent_json),
    resultSeq: r.result_seq,
    outcome: r.outcome,
    output: parseJson(r.output_json),
    error: parseJson(r.error_json),
  };
}

function toCommand(r: CommandRecord): CommandRow {
  return {
    runId: r.run_id,
    stepKey: r.step_key,
    attempt: r.attempt,
    n: r.n,
    journalSeq: r.journal_seq,
    argv: JSON.parse(r.argv_json) as string[],
    exitCode: r.exit_code,
    signal: r.signal,
    durationMs: r.duration_ms,
    stdout: r.stdout,
    stderr: r.stderr,
    messages: JSON.parse(r.messages_json) as unknown[],
    startedAt: r.started_at,
  };
}

function toLock(r: LockRecord): LockRow {
  return {
    db: r.db,
    runId: r.run_id,
    host: r.host,
    pid: r.pid,
    acquiredAt: r.acquired_at,
    heartbeatAt: r.heartbeat_at,
  };
}

function toBackup(r: BackupRecord): BackupRow {
  return {
    backupId: r.backup_id,
    db: r.db,
    kind: r.kind,
    destination: r.destination,
    manifestDigest: r.manifest_digest,
    pairedAiSeq: r.paired_ai_seq,
    dbIdentity: parseJson(r.db_identity_json),
    startedAt: r.started_at,
    completedAt: r.completed_at,
    runId: r.run_id,
    details: parseJson(r.details_json),
    expiredAt: r.expired_at ?? null,
  };
}

/** A bug in the caller (engine): the store refuses to record something inconsistent. */
function misuse(message: string, details: Record<string, unknown>): OeflowError {
  return new OeflowError('OEF-002', message, { details });
}

function runNotFound(runId: string): OeflowError {
  return new OeflowError('OEF-030', `Run ${runId} not found in the state store`, { details: { runId } });
}

/** A run's watch over its store's writes (Store.watchWriteFailure). */
interface WriteWatch {
  listener: (err: OeflowError) => void;
  failed?: OeflowError;
}

/**
 * How a write is made durable. 'now' (the default): its commit fsyncs. 'with-next': it commits
 * without an fsync of its own, and the next durable commit or `sync()` makes it durable
 * (group-commit.ts): for rows whose loss in an OS crash leaves a state the protocol already
 * handles, written where a durable commit or a sync comes before the next side effect that an
 * OS crash would not undo (docs/architecture.md §5.9).
 */
export interface WriteOptions {
  durable?: 'now' | 'with-next';
}

/** The state store. Create it with openStore(); all methods are synchronous. */
export class Store {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #signer: RowSigner | undefined;
  /** Whether the signer's public key is committed to signing_keys by this connection. */
  #keyState: 'not-yet' | 'in-transaction' | 'committed' = 'not-yet';
  /** While a run watches its store (watchWriteFailure): the first write that failed. */
  #watch: WriteWatch | undefined;
  readonly #group: GroupCommit;
  /** Set by #append: the write in progress changed pages (so its durable commit fsynced the WAL). */
  #appended = false;
  readonly #s;
  readonly #tx;

  /** Use openStore(): it sets and asserts the pragmas and migrates before this runs. */
  constructor(db: Database.Database, path: string, options: StoreOptions = {}) {
    this.#db = db;
    this.path = path;
    this.#now = options.now ?? (() => new Date());
    this.#signer = options.signer;
    this.#group = new GroupCommit(db, path);
    this.#s = {
      insertRun: db.prepare<
        [string, string, string, string, string, string, string, string, number, string]
      >(`INSERT INTO runs (run_id, machine_id, machine_hash, db, kind, status, resumable, input_json, created_at, updated_at,
           host, pid, head_hash) VALUES (?, ?, ?, ?, ?, 'running', 1, '', ?, ?, ?, ?, ?)`),
      insertInput: db.prepare<[string, string]>(`INSERT INTO run_inputs (run_id, input_json) VALUES (?, ?)`),
      getRun: db.prepare<[string], RunRecord>(`SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_INPUT} WHERE runs.run_id = ?`),
      listRuns: db.prepare<[], RunRecord>(
        `SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_INPUT} ORDER BY created_at DESC, runs.rowid DESC`,
      ),
      runSummaries: db.prepare<[{ db: string | null }], SummaryRecord>(
        `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE (@db IS NULL OR db = @db) ORDER BY created_at DESC, rowid DESC`,
      ),
      listRunsForDb: db.prepare<[string], RunRecord>(
        `SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_INPUT} WHERE db = ? ORDER BY created_at DESC, runs.rowid DESC`,
      ),
      openRunForDb: db.prepare<[string], RunRecord>(
        `SELECT ${RUN_COLUMNS} FROM ${RUNS_WITH_INPUT} WHERE db = ? AND ${OPEN_RUN_CONDITION} ORDER BY created_at DESC, runs.rowid DESC LIMIT 1`,
      ),
      setStatus: db.prepare<{
        runId: string;
        status: RunStatus;
        now: string;
        setError: number;
        error: string | null;
        resumable: number | null;
        ended: number | null;
      }>(`UPDATE runs SET status = @status, updated_at = @now,
            error_json = CASE WHEN @setError = 1 THEN @error ELSE error_json END,
            resumable = COALESCE(@resumable, resumable),
            ended_at = CASE @ended WHEN 1 THEN @now WHEN 0 THEN NULL ELSE ended_at END
          WHERE run_id = @runId`),
      head: db.prepare<[string], { last_seq: number; head_hash: string }>(
        `SELECT last_seq, head_hash FROM runs WHERE run_id = ?`,
      ),
      setHead: db.prepare<[number, string, string, string]>(
        `UPDATE runs SET last_seq = ?, head_hash = ?, updated_at = ? WHERE run_id = ?`,
      ),
      setSnapshot: db.prepare<[string, string, string, string]>(
        `UPDATE runs SET snapshot_json = ?, state_value = ?, updated_at = ? WHERE run_id = ?`,
      ),
      insertJournal: db.prepare<
        [
          string,
          number,
          string,
          JournalKind,
          string | null,
          number | null,
          string,
          string,
          string,
          string | null,
          string | null,
        ]
      >(
        `INSERT INTO journal (run_id, seq, at, kind, step_key, attempt, data_json, prev_hash, hash, sig_key_id, signature)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertSigningKey: db.prepare<[string, string, string]>(
        `INSERT OR IGNORE INTO signing_keys (key_id, public_key_pem, first_used_at) VALUES (?, ?, ?)`,
      ),
      signingKeys: db.prepare<[], { key_id: string; public_key_pem: string }>(
        `SELECT key_id, public_key_pem FROM signing_keys`,
      ),
      journal: db.prepare<[string], JournalRecord>(
        `SELECT run_id, seq, at, kind, step_key, attempt, data_json, prev_hash, hash, sig_key_id, signature FROM journal WHERE run_id = ? ORDER BY seq`,
      ),
      journalTimes: db.prepare<[string], { seq: number; at: string }>(
        `SELECT seq, at FROM journal WHERE run_id = ? ORDER BY seq`,
      ),
      storeLogHead: db.prepare<[], { seq: number; hash: string }>(
        `SELECT seq, hash FROM store_log ORDER BY seq DESC LIMIT 1`,
      ),
      insertStoreLog: db.prepare<[number, string, string, string, number, string, string, string]>(
        `INSERT INTO store_log (seq, at, kind, run_id, run_seq, run_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      storeLog: db.prepare<[], StoreLogRecord>(
        `SELECT seq, at, kind, run_id, run_seq, run_hash, prev_hash, hash FROM store_log ORDER BY seq`,
      ),
      journalRow: db.prepare<[string, number], JournalRecord>(
        `SELECT run_id, seq, at, kind, step_key, attempt, data_json, prev_hash, hash, sig_key_id, signature FROM journal WHERE run_id = ? AND seq = ?`,
      ),
      insertAttempt: db.prepare<[string, string, number, string, number]>(
        `INSERT INTO attempts (run_id, step_key, attempt, step_id, intent_seq) VALUES (?, ?, ?, ?, ?)`,
      ),
      attempt: db.prepare<[string, string, number], AttemptRecord>(
        `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.step_key = ? AND a.attempt = ?`,
      ),
      latestAttempt: db.prepare<[string, string], AttemptRecord>(
        `${ATTEMPT_SELECT} WHERE a.run_id = ? AND a.step_key = ? ORDER BY a.attempt DESC LIMIT 1`,
      ),
      attempts: db.prepare<[string], AttemptRecord>(`${ATTEMPT_SELECT} WHERE a.run_id = ? ORDER BY a.intent_seq`),
      setResult: db.prepare<[number, AttemptOutcome, string | null, string | null, string, string, number]>(
        `UPDATE attempts SET result_seq = ?, outcome = ?, output_json = ?, error_json = ?
         WHERE run_id = ? AND step_key = ? AND attempt = ? AND result_seq IS NULL`,
      ),
      nextCommandN: db.prepare<[string, string, number], { n: number }>(
        `SELECT COALESCE(MAX(n), 0) + 1 AS n FROM commands WHERE run_id = ? AND step_key = ? AND attempt = ?`,
      ),
      insertCommand: db.prepare<
        [
          string,
          string,
          number,
          number,
          number,
          string,
          number | null,
          string | null,
          number,
          string,
          string,
          string,
          string,
        ]
      >(`INSERT INTO commands (run_id, step_key, attempt, n, journal_seq, argv_json, exit_code, signal, duration_ms, stdout,
           stderr, messages_json, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      commands: db.prepare<[string], CommandRecord>(
        `SELECT run_id, step_key, attempt, n, journal_seq, argv_json, exit_code, signal, duration_ms, stdout, stderr,
           messages_json, started_at FROM commands WHERE run_id = ? ORDER BY journal_seq`,
      ),
      getLock: db.prepare<[string], LockRecord>(
        `SELECT db, run_id, host, pid, acquired_at, heartbeat_at FROM locks WHERE db = ?`,
      ),
      insertLock: db.prepare<[string, string, string, number, string, string]>(
        `INSERT INTO locks (db, run_id, host, pid, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      swapLock: db.prepare<[string, string, number, string, string, string, string, number, string]>(
        `UPDATE locks SET run_id = ?, host = ?, pid = ?, acquired_at = ?, heartbeat_at = ?
         WHERE db = ? AND run_id = ? AND pid = ? AND host = ?`,
      ),
      heartbeat: db.prepare<[string, string, string]>(`UPDATE locks SET heartbeat_at = ? WHERE db = ? AND run_id = ?`),
      releaseLock: db.prepare<[string, string]>(`DELETE FROM locks WHERE db = ? AND run_id = ?`),
      insertBackup: db.prepare<
        [
          string,
          string,
          string,
          string,
          string | null,
          number,
          string | null,
          string,
          string | null,
          string | null,
          string | null,
        ]
      >(`INSERT INTO backups (backup_id, db, kind, destination, manifest_digest, paired_ai_seq, db_identity_json, started_at,
           completed_at, run_id, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getBackup: db.prepare<[string], BackupRecord>(`SELECT * FROM backups WHERE backup_id = ?`),
      listBackups: db.prepare<[], BackupRecord>(
        `SELECT * FROM backups WHERE expired_at IS NULL ORDER BY started_at DESC, rowid DESC`,
      ),
      scanByIdentity: db.prepare<[string, string, number, string, string], { seqno: number; ai_begin_date: string }>(
        `SELECT seqno, ai_begin_date FROM ai_scan_cache WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ?`,
      ),
      scanByContent: db.prepare<[string], { seqno: number; ai_begin_date: string }>(
        `SELECT seqno, ai_begin_date FROM ai_scan_cache WHERE content_sha256 = ? LIMIT 1`,
      ),
      rememberScan: db.prepare<[string, string, number, string, string, string, number, string, string]>(
        `INSERT OR REPLACE INTO ai_scan_cache (dev, ino, size, mtime_ns, ctime_ns, content_sha256, seqno, ai_begin_date, scanned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listBackupsForDb: db.prepare<[string], BackupRecord>(
        `SELECT * FROM backups WHERE db = ? AND expired_at IS NULL ORDER BY started_at DESC, rowid DESC`,
      ),
      markBackupExpired: db.prepare<[string, string]>(
        `UPDATE backups SET expired_at = ? WHERE backup_id = ? AND expired_at IS NULL`,
      ),
    };
    this.#tx = {
      createRun: db.transaction((r: CreateRunInput): void => this.#createRun(r)),
      setRunStatus: db.transaction((runId: string, status: RunStatus, extra: SetRunStatusExtra): void =>
        this.#setRunStatus(runId, status, extra),
      ),
      changeStatus: db.transaction(
        (runId: string, status: RunStatus, extra: SetRunStatusExtra, entry: JournalInput): JournalRow => {
          this.#setRunStatus(runId, status, extra);
          return this.#append(runId, entry.kind, entry.stepKey ?? null, entry.attempt ?? null, entry.data);
        },
      ),
      recordTransition: db.transaction((runId: string, t: TransitionInput): JournalRow =>
        this.#recordTransition(runId, t),
      ),
      appendJournal: db.transaction((runId: string, e: JournalInput): JournalRow =>
        this.#append(runId, e.kind, e.stepKey ?? null, e.attempt ?? null, e.data),
      ),
      recordIntent: db.transaction((runId: string, i: IntentInput): JournalRow => this.#recordIntent(runId, i)),
      recordCommand: db.transaction((runId: string, c: CommandInput): void => this.#recordCommand(runId, c)),
      recordResult: db.transaction((runId: string, r: ResultInput): JournalRow => {
        const row = this.#recordResult(runId, r);
        if (r.runStatus !== undefined) this.#setRunStatus(runId, r.runStatus, { resumable: true });
        return row;
      }),
      tryAcquireLock: db.transaction((l: LockClaim): { acquired: true } | { acquired: false; holder: LockRow } =>
        this.#tryAcquireLock(l),
      ),
      takeOverLock: db.transaction((l: LockClaim & { expected: LockRow }): boolean => this.#takeOverLock(l)),
      heartbeat: db.transaction(
        (dbName: string, runId: string): boolean => this.#s.heartbeat.run(this.#stamp(), dbName, runId).changes === 1,
      ),
      releaseLock: db.transaction(
        (dbName: string, runId: string): boolean => this.#s.releaseLock.run(dbName, runId).changes === 1,
      ),
      addBackup: db.transaction((b: BackupInput): void => this.#addBackup(b)),
      rememberScans: db.transaction((scans: readonly ScanToRemember[]): void => {
        for (const { id, sha256, header } of scans)
          this.#s.rememberScan.run(
            id.dev,
            id.ino,
            id.size,
            id.mtimeNs,
            id.ctimeNs,
            sha256,
            header.seqno,
            header.aiBeginDate,
            this.#stamp(),
          );
      }),
    };
  }

  /** The durability pragmas as this store's own connection reports them (for tests and `doctor`). */
  pragmas(): PragmaReadings {
    this.#group.full(); // between 'with-next' writes the connection is NORMAL; its durable writes run FULL
    return readPragmas(this.#db);
  }

  /** Close the connection; later calls throw. Safe to call twice. */
  close(): void {
    if (!this.#db.open) return;
    try {
      this.#group.close(); // what was written 'with-next' is durable before the connection goes
    } finally {
      this.#db.close();
    }
  }

  /**
   * Make every committed write durable now (one fsync, only when a 'with-next' write is owed).
   * The engine calls it before every utility spawn and site command (but a quiet point's
   * disable, which an OS crash does too: docs/architecture.md §5.9), so a side effect never
   * starts ahead of the rows before it.
   */
  sync(): void {
    const failedBefore = this.#watch?.failed;
    if (failedBefore) throw failedBefore;
    try {
      this.#group.sync();
    } catch (cause) {
      // as a failed write (#write): the rows may not survive an OS crash, so nothing may act on them
      const err = new OeflowError('OEF-020', `State store sync failed (${this.path}): ${(cause as Error).message}`, {
        cause,
        details: { path: this.path, code: (cause as NodeJS.ErrnoException).code ?? null },
      });
      const watch = this.#watch;
      if (watch && !watch.failed) {
        watch.failed = err;
        watch.listener(err);
      }
      throw err;
    }
  }

  /** True while a 'with-next' write waits for its fsync (tests of the protocol). */
  get syncPending(): boolean {
    return this.#group.pending;
  }

  // ---- runs ----

  /** Create a run (status running) and journal 'run-started' as its first row. */
  createRun(r: CreateRunInput): void {
    this.#write(() => this.#tx.createRun.immediate(r));
  }

  getRun(runId: string): RunRow | undefined {
    const r = this.#s.getRun.get(runId);
    return r === undefined ? undefined : toRun(r);
  }

  /** Runs, newest first, optionally only those for one database. */
  listRuns(filter: { db?: string } = {}): RunRow[] {
    const rows = filter.db === undefined ? this.#s.listRuns.all() : this.#s.listRunsForDb.all(filter.db);
    return rows.map(toRun);
  }

  /**
   * Runs, newest first, without input, snapshot and error: what a listing shows. A snapshot
   * can be large; `oeflow runs` over thousands of runs would otherwise read and parse them all.
   */
  listRunSummaries(filter: { db?: string } = {}): RunSummary[] {
    return this.#s.runSummaries.all({ db: filter.db ?? null }).map((r) => ({
      runId: r.run_id,
      machineId: r.machine_id,
      db: r.db,
      kind: r.kind,
      status: r.status,
      resumable: r.resumable === 1,
      stateValue: parseJson(r.state_value),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      endedAt: r.ended_at,
    }));
  }

  /** Newest run for `db` that can still resume: running, needs-decision, aborted, or failed and resumable. */
  openRunForDb(db: string): RunRow | undefined {
    const r = this.#s.openRunForDb.get(db);
    return r === undefined ? undefined : toRun(r);
  }

  /** Update status (and error/resumable/ended_at); not journaled — journal 'run-ended' yourself. */
  setRunStatus(runId: string, status: RunStatus, extra: SetRunStatusExtra = {}): void {
    this.#write(() => this.#tx.setRunStatus.immediate(runId, status, extra));
  }

  /**
   * Change the run's status and journal the row that explains it (run-ended, a resume note, an
   * operator's decision) in one transaction, so the status never disagrees with the journal.
   */
  changeStatus(runId: string, status: RunStatus, extra: SetRunStatusExtra, entry: JournalInput): JournalRow {
    return this.#write(() => this.#tx.changeStatus.immediate(runId, status, extra, entry));
  }

  // ---- journal ----

  /** Journal a 'transition' and store the snapshot it leads to, in one transaction. */
  recordTransition(runId: string, t: TransitionInput, o: WriteOptions = {}): JournalRow {
    return this.#write(() => this.#tx.recordTransition.immediate(runId, t), true, o);
  }

  /** Append one hash-chained journal row. */
  appendJournal(runId: string, e: JournalInput, o: WriteOptions = {}): JournalRow {
    return this.#write(() => this.#tx.appendJournal.immediate(runId, e), true, o);
  }

  journal(runId: string): JournalRow[] {
    return this.#s.journal.all(runId).map(toJournal);
  }

  /** The run's journal as typed records (journal-entry.ts): what every reader of a payload uses. */
  entries(runId: string): JournalEntry[] {
    return decodeJournal(this.journal(runId));
  }

  /** When each journal row of the run was written, by seq (no row data read: `show` needs only the times). */
  journalTimes(runId: string): Map<number, string> {
    const out = new Map<number, string>();
    for (const r of this.#s.journalTimes.iterate(runId)) out.set(r.seq, r.at);
    return out;
  }

  /** Recompute the run's hash chain; reports the first seq that does not verify. */
  verifyChain(runId: string): ChainCheck {
    const head = this.#s.head.get(runId);
    if (head === undefined) throw runNotFound(runId);
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    for (const r of this.#s.journal.iterate(runId)) {
      if (r.seq !== expectedSeq)
        return { ok: false, brokenAtSeq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${r.seq})` };
      if (r.prev_hash !== prev)
        return { ok: false, brokenAtSeq: r.seq, reason: 'prev_hash does not match the previous row' };
      let data: unknown;
      try {
        data = JSON.parse(r.data_json);
      } catch {
        return { ok: false, brokenAtSeq: r.seq, reason: 'data_json is not valid JSON' };
      }
      if (canonicalJson(data) !== r.data_json)
        return { ok: false, brokenAtSeq: r.seq, reason: 'data_json is not canonical' };
      const fields = { runId, seq: r.seq, at: r.at, kind: r.kind, stepKey: r.step_key, attempt: r.attempt, data };
      if (journalHash(prev, fields) !== r.hash)
        return { ok: false, brokenAtSeq: r.seq, reason: 'hash does not match the row' };
      prev = r.hash;
      expectedSeq += 1;
    }
    const rows = expectedSeq - 1;
    if (head.last_seq !== rows || head.head_hash !== prev) {
      return {
        ok: false,
        brokenAtSeq: Math.min(rows, head.last_seq) + 1,
        reason: `chain head mismatch: run records ${head.last_seq} rows, journal has ${rows}`,
      };
    }
    return { ok: true, rows };
  }

  /** One journal row, or undefined when it is not there. */
  journalRow(runId: string, seq: number): JournalRow | undefined {
    const r = this.#s.journalRow.get(runId, seq);
    return r === undefined ? undefined : toJournal(r);
  }

  // ---- store log (store-wide chain of run starts, ends and decisions) ----

  /** Every store log entry, in order. */
  storeLog(): StoreLogRow[] {
    return this.#s.storeLog.all().map((r) => ({
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      runId: r.run_id,
      runSeq: r.run_seq,
      runHash: r.run_hash,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Size and head hash of the store log (0 and the genesis hash when empty): what a checkpoint records. */
  storeLogHead(): { size: number; headHash: string } {
    const head = this.#s.storeLogHead.get();
    return head === undefined ? { size: 0, headHash: GENESIS_HASH } : { size: head.seq, headHash: head.hash };
  }

  // ---- steps ----

  /** Journal an 'intent' and create its attempts row, in one transaction (commit before spawning). */
  recordIntent(runId: string, i: IntentInput, o: WriteOptions = {}): JournalRow {
    return this.#write(() => this.#tx.recordIntent.immediate(runId, i), true, o);
  }

  /** Store a command's full output and journal it (argv, exit, digests of stdout/stderr), in one transaction. */
  recordCommand(runId: string, c: CommandInput, o: WriteOptions = {}): void {
    this.#write(() => this.#tx.recordCommand.immediate(runId, c), true, o);
  }

  /**
   * Close an attempt: journal 'result' (ok/error), 'reconciliation' (reconciled-*) or
   * 'decision' (decided-*) and set the attempt's outcome, in one transaction.
   */
  recordResult(runId: string, r: ResultInput, o: WriteOptions = {}): JournalRow {
    return this.#write(() => this.#tx.recordResult.immediate(runId, r), true, o);
  }

  /** The memo lookup: the highest attempt of (run, stepKey). */
  latestAttempt(runId: string, stepKey: string): AttemptRow | undefined {
    const r = this.#s.latestAttempt.get(runId, stepKey);
    return r === undefined ? undefined : toAttempt(r);
  }

  /** All attempts of a run in intent order. */
  attempts(runId: string): AttemptRow[] {
    return this.#s.attempts.all(runId).map(toAttempt);
  }

  commands(runId: string): CommandRow[] {
    return this.#s.commands.all(runId).map(toCommand);
  }

  /** Public keys (PEM by key id) that signed rows in this store, as the store records them (untrusted). */
  signingKeys(): Map<string, string> {
    return new Map(this.#s.signingKeys.all().map((k) => [k.key_id, k.public_key_pem]));
  }

  // ---- locks (the engine decides staleness) ----

  getLock(db: string): LockRow | undefined {
    const r = this.#s.getLock.get(db);
    return r === undefined ? undefined : toLock(r);
  }

  /** Take the lock on `db` if free (or already ours: same run, host and pid); race-free across processes. */
  tryAcquireLock(l: LockClaim): { acquired: true } | { acquired: false; holder: LockRow } {
    return this.#write(() => this.#tx.tryAcquireLock.immediate(l));
  }

  /**
   * Replace the holder only if it is still `expected` (same run, host, pid); journals
   * 'lock-takeover' on the new run (which must exist) in the same transaction.
   */
  takeOverLock(l: LockClaim & { expected: LockRow }): boolean {
    return this.#write(() => this.#tx.takeOverLock.immediate(l));
  }

  /** Refresh the heartbeat; false when `runId` no longer holds the lock (it was taken over). */
  heartbeat(db: string, runId: string): boolean {
    // a missed heartbeat is not a lost record: it never ends the watched run by itself. No fsync
    // of its own (group-commit.ts): nothing decides from heartbeat_at (a lock is stale when its
    // pid is dead, lock.ts), and one lost in an OS crash belonged to a process the crash ended;
    // a durable heartbeat every 5 s could land inside the quiet window (docs/architecture.md §5.9)
    return this.#write(() => this.#tx.heartbeat.immediate(db, runId), false, { durable: 'with-next' });
  }

  /**
   * While a run is driven: the first write that fails calls `listener` at once (the run's
   * quiet-point guard disables the quiet point without waiting for the store), and every later
   * write fails at once with that error instead of waiting out busy_timeout again: the run stops
   * at its next transition and a resume reconciles. Returns the function that ends the watch.
   */
  watchWriteFailure(listener: (err: OeflowError) => void): () => void {
    const watch: WriteWatch = { listener };
    this.#watch = watch;
    return () => {
      if (this.#watch === watch) this.#watch = undefined;
    };
  }

  /** Drop the lock if `runId` holds it; false when it did not. */
  releaseLock(db: string, runId: string): boolean {
    return this.#write(() => this.#tx.releaseLock.immediate(db, runId));
  }

  // ---- backups catalog ----

  addBackup(b: BackupInput): void {
    this.#write(() => this.#tx.addBackup.immediate(b));
  }

  getBackup(backupId: string): BackupRow | undefined {
    const r = this.#s.getBackup.get(backupId);
    return r === undefined ? undefined : toBackup(r);
  }

  /** Record that retention removed a backup's files (`oeflow expire`); it leaves the listings. */
  markBackupExpired(backupId: string): void {
    this.#write(() => this.#s.markBackupExpired.run(this.#stamp(), backupId));
  }

  /** Backups not expired, newest first, optionally only those of one database. */
  listBackups(filter: { db?: string } = {}): BackupRow[] {
    const rows = filter.db === undefined ? this.#s.listBackups.all() : this.#s.listBackupsForDb.all(filter.db);
    return rows.map(toBackup);
  }

  // ---- AI scan cache (src/aichain/scan-cache.ts; not evidence, never journaled) ----

  /** The header cached for a file with exactly this identity. */
  scanByIdentity(id: FileIdentity): CachedHeader | undefined {
    const r = this.#s.scanByIdentity.get(id.dev, id.ino, id.size, id.mtimeNs, id.ctimeNs);
    return r === undefined ? undefined : { seqno: r.seqno, aiBeginDate: r.ai_begin_date };
  }

  /** The header cached for a file with these bytes (e.g. a copy of a scanned file). */
  scanByContent(sha256: string): CachedHeader | undefined {
    const r = this.#s.scanByContent.get(sha256);
    return r === undefined ? undefined : { seqno: r.seqno, aiBeginDate: r.ai_begin_date };
  }

  /** Cache a scanned header (as rememberScans). */
  rememberScan(id: FileIdentity, sha256: string, header: CachedHeader): void {
    this.rememberScans([{ id, sha256, header }]);
  }

  /**
   * Cache scanned headers, in one transaction (a chain proof remembers its scans in batches, not
   * a commit per AI file). Not evidence: a cache row lost in an OS crash is scanned again, so it
   * never waits for an fsync of its own.
   */
  rememberScans(scans: readonly ScanToRemember[]): void {
    if (scans.length === 0) return;
    this.#write(() => this.#tx.rememberScans.immediate(scans), true, { durable: 'with-next' });
  }

  // ---- transaction bodies (run only inside #tx) ----

  #stamp(): string {
    return this.#now().toISOString();
  }

  /** Run a write; SQLite failures (busy past the timeout, disk full, I/O) become OEF-020. */
  #write<T>(fn: () => T, trips = true, o: WriteOptions = {}): T {
    const failedBefore = this.#watch?.failed;
    if (failedBefore) throw failedBefore;
    try {
      this.#appended = false;
      const out = o.durable === 'with-next' ? this.#group.withNext(fn) : this.#group.durable(fn);
      // a durable commit of a journal row fsynced the WAL: every earlier 'with-next' write too
      if (o.durable !== 'with-next' && this.#appended) this.#group.synced();
      // committed: the signer's public key is in the store from now on
      if (this.#keyState === 'in-transaction') this.#keyState = 'committed';
      return out;
    } catch (cause) {
      if (this.#keyState === 'in-transaction') this.#keyState = 'not-yet';
      if (cause instanceof sqlite().SqliteError) {
        const err = new OeflowError('OEF-020', `State store write failed (${this.path}): ${cause.message}`, {
          cause,
          details: { path: this.path, sqliteCode: cause.code },
        });
        const watch = this.#watch;
        if (watch && trips && !watch.failed) {
          watch.failed = err;
          watch.listener(err);
        }
        throw err;
      }
      throw cause;
    }
  }

  #append(runId: string, kind: JournalKind, stepKey: string | null, attempt: number | null, data: unknown): JournalRow {
    const head = this.#s.head.get(runId);
    if (head === undefined) throw runNotFound(runId);
    this.#appended = true;
    const seq = head.last_seq + 1;
    const at = this.#stamp();
    const dataJson = canonicalJson(data);
    const parsed = JSON.parse(dataJson) as unknown;
    const hash = journalHashOfText(head.head_hash, { runId, seq, at, kind, stepKey, attempt, dataJson });
    const signer = this.#signer;
    // In the row's transaction, so a signed row never exists without its public key; once that
    // transaction committed, later rows of this connection skip the statement (one less per row).
    if (signer !== undefined && this.#keyState !== 'committed') {
      this.#s.insertSigningKey.run(signer.keyId, signer.publicKeyPem, at);
      this.#keyState = 'in-transaction';
    }
    const sigKeyId = signer?.keyId ?? null;
    const signature = signer?.sign(hash) ?? null;
    this.#s.insertJournal.run(
      runId,
      seq,
      at,
      kind,
      stepKey,
      attempt,
      dataJson,
      head.head_hash,
      hash,
      sigKeyId,
      signature,
    );
    this.#s.setHead.run(seq, hash, at, runId);
    // in the row's transaction: an anchored row never exists without its log entry
    if (ANCHORED_KINDS.has(kind)) this.#anchor(kind, runId, seq, hash, at);
    return {
      runId,
      seq,
      at,
      kind,
      stepKey,
      attempt,
      data: parsed,
      prevHash: head.head_hash,
      hash,
      sigKeyId,
      signature,
    };
  }

  #anchor(kind: JournalKind, runId: string, runSeq: number, runHash: string, at: string): void {
    const head = this.#s.storeLogHead.get();
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    this.#s.insertStoreLog.run(
      seq,
      at,
      kind,
      runId,
      runSeq,
      runHash,
      prevHash,
      storeLogHash(prevHash, { seq, at, kind, runId, runSeq, runHash }),
    );
  }

  #createRun(r: CreateRunInput): void {
    if (this.#s.getRun.get(r.runId) !== undefined) throw misuse(`Run ${r.runId} already exists`, { runId: r.runId });
    const now = this.#stamp();
    this.#s.insertRun.run(r.runId, r.machineId, r.machineHash, r.db, r.kind, now, now, r.host, r.pid, GENESIS_HASH);
    this.#s.insertInput.run(r.runId, canonicalJson(r.input));
    const { machineId, machineHash, db, kind, input, host, pid, osUser } = r;
    this.#append(r.runId, 'run-started', null, null, {
      machineId,
      machineHash,
      db,
      kind,
      input,
      host,
      pid,
      ...(osUser === undefined ? {} : { osUser }),
    });
  }

  #setRunStatus(runId: string, status: RunStatus, extra: SetRunStatusExtra): void {
    const hasError = 'error' in extra;
    const changed = this.#s.setStatus.run({
      runId,
      status,
      now: this.#stamp(),
      setError: hasError ? 1 : 0,
      error: hasError && extra.error !== null ? jsonOrNull(extra.error) : null,
      resumable: extra.resumable === undefined ? null : extra.resumable ? 1 : 0,
      ended: extra.ended === undefined ? null : extra.ended ? 1 : 0,
    }).changes;
    if (changed !== 1) throw runNotFound(runId);
  }

  #recordTransition(runId: string, t: TransitionInput): JournalRow {
    const snapshotJson = canonicalJson(t.snapshot);
    const row = this.#append(runId, 'transition', null, null, {
      event: t.event,
      from: t.from,
      to: t.to,
      snapshotSha256: sha256Hex(snapshotJson),
    });
    this.#s.setSnapshot.run(snapshotJson, canonicalJson(t.to), row.at, runId);
    return row;
  }

  #recordIntent(runId: string, i: IntentInput): JournalRow {
    const latest = this.#s.latestAttempt.get(runId, i.stepKey);
    if (!Number.isInteger(i.attempt) || i.attempt < 1 || (latest !== undefined && i.attempt <= latest.attempt)) {
      throw misuse(
        `Intent for ${i.stepKey} attempt ${i.attempt} refused: attempts must increase (latest is ${latest?.attempt ?? 'none'})`,
        {
          runId,
          stepKey: i.stepKey,
          attempt: i.attempt,
          latestAttempt: latest?.attempt ?? null,
        },
      );
    }
    const row = this.#append(runId, 'intent', i.stepKey, i.attempt, i.data);
    this.#s.insertAttempt.run(runId, i.stepKey, i.attempt, i.stepId, row.seq);
    return row;
  }

  #recordCommand(runId: string, c: CommandInput): void {
    const n = this.#s.nextCommandN.get(runId, c.stepKey, c.attempt)?.n ?? 1;
    const row = this.#append(runId, 'command', c.stepKey, c.attempt, {
      n,
      argv: c.argv,
      exitCode: c.exitCode,
      signal: c.signal,
      durationMs: c.durationMs,
      startedAt: c.startedAt,
      messages: c.messages,
      stdoutSha256: sha256Hex(c.stdout),
      stdoutLength: c.stdout.length,
      stderrSha256: sha256Hex(c.stderr),
      stderrLength: c.stderr.length,
      ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
    });
    this.#s.insertCommand.run(
      runId,
      c.stepKey,
      c.attempt,
      n,
      row.seq,
      canonicalJson(c.argv),
      c.exitCode,
      c.signal,
      Math.round(c.durationMs),
      c.stdout,
      c.stderr,
      canonicalJson(c.messages),
      c.startedAt,
    );
  }

  #recordResult(runId: string, r: ResultInput): JournalRow {
    const current = this.#s.attempt.get(runId, r.stepKey, r.attempt);
    if (current === undefined) {
      if (this.#s.head.get(runId) === undefined) throw runNotFound(runId);
      throw misuse(`Result for ${r.stepKey} attempt ${r.attempt} refused: no intent was recorded`, {
        runId,
        stepKey: r.stepKey,
        attempt: r.attempt,
      });
    }
    if (current.result_seq !== null) {
      throw misuse(
        `Result for ${r.stepKey} attempt ${r.attempt} refused: the attempt already ended (${current.outcome ?? '?'})`,
        {
          runId,
          stepKey: r.stepKey,
          attempt: r.attempt,
          outcome: current.outcome,
        },
      );
    }
    const row = this.#append(runId, resultKind(r.outcome), r.stepKey, r.attempt, {
      outcome: r.outcome,
      output: r.output,
      error: r.error,
      details: r.details,
    });
    this.#s.setResult.run(row.seq, r.outcome, jsonOrNull(r.output), jsonOrNull(r.error), runId, r.stepKey, r.attempt);
    return row;
  }

  #tryAcquireLock(l: LockClaim): { acquired: true } | { acquired: false; holder: LockRow } {
    const holder = this.#s.getLock.get(l.db);
    const now = this.#stamp();
    if (holder === undefined) {
      this.#s.insertLock.run(l.db, l.runId, l.host, l.pid, now, now);
      return { acquired: true };
    }
    if (holder.run_id === l.runId && holder.host === l.host && holder.pid === l.pid) {
      this.#s.heartbeat.run(now, l.db, l.runId);
      return { acquired: true };
    }
    return { acquired: false, holder: toLock(holder) };
  }

  #takeOverLock(l: LockClaim & { expected: LockRow }): boolean {
    const found = this.#s.getLock.get(l.db);
    const now = this.#stamp();
    const swapped = this.#s.swapLock.run(
      l.runId,
      l.host,
      l.pid,
      now,
      now,
      l.db,
      l.expected.runId,
      l.expected.pid,
      l.expected.host,
    ).changes;
    if (swapped !== 1 || found === undefined) return false;
    this.#append(l.runId, 'lock-takeover', null, null, { db: l.db, previous: toLock(found), host: l.host, pid: l.pid });
    return true;
  }

  #addBackup(b: BackupInput): void {
    if (this.#s.getBackup.get(b.backupId) !== undefined)
      throw misuse(`Backup ${b.backupId} is already in the catalog`, { backupId: b.backupId });
    this.#s.insertBackup.run(
      b.backupId,
      b.db,
      b.kind,
      b.destination,
      b.manifestDigest ?? null,
      b.pairedAiSeq,
      jsonOrNull(b.dbIdentity),
      b.startedAt,
      b.completedAt ?? null,
      b.runId ?? null,
      jsonOrNull(b.details),
    );
  }
}
