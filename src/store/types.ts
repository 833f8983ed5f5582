// Row types the store returns: camelCase, JSON columns already parsed.

export type RunStatus = 'running' | 'completed' | 'failed' | 'aborted' | 'needs-decision';

export type JournalKind =
  | 'run-started'
  | 'transition'
  | 'intent'
  | 'result'
  | 'command'
  | 'reconciliation'
  | 'decision'
  | 'lock-takeover'
  | 'note'
  | 'run-ended';

export type AttemptOutcome =
  'ok' | 'error' | 'reconciled-done' | 'reconciled-not-done' | 'decided-done' | 'decided-not-done';

export interface RunRow {
  runId: string;
  machineId: string;
  machineHash: string;
  db: string;
  kind: string;
  status: RunStatus;
  /** Only meaningful when status is 'failed': true unless the engine said otherwise. */
  resumable: boolean;
  input: unknown;
  /** Last persisted actor snapshot; undefined before the first transition. */
  snapshot: unknown;
  /** Machine state value of that snapshot; undefined before the first transition. */
  stateValue: unknown;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  host: string;
  pid: number;
  error: unknown;
  /** Seq of the newest journal row (the chain head). */
  lastSeq: number;
  /** Hash of the newest journal row; 64 zeros before any row. */
  headHash: string;
}

/** What a run listing shows: a RunRow without the input, snapshot and error (not read, not parsed). */
export type RunSummary = Pick<
  RunRow,
  'runId' | 'machineId' | 'db' | 'kind' | 'status' | 'resumable' | 'stateValue' | 'createdAt' | 'updatedAt' | 'endedAt'
>;

export interface JournalRow {
  runId: string;
  seq: number;
  at: string;
  kind: JournalKind;
  stepKey: string | null;
  attempt: number | null;
  data: unknown;
  prevHash: string;
  hash: string;
  /** Key id and base64 Ed25519 signature of `hash`, when the writer had a signing key. */
  sigKeyId: string | null;
  signature: string | null;
}

export interface AttemptRow {
  runId: string;
  stepKey: string;
  attempt: number;
  stepId: string;
  intentSeq: number;
  /** The data recorded with the intent (journal row `intentSeq`). */
  intent: unknown;
  resultSeq: number | null;
  /** null while the attempt is in flight or in doubt. */
  outcome: AttemptOutcome | null;
  output: unknown;
  error: unknown;
}

export interface CommandRow {
  runId: string;
  stepKey: string;
  attempt: number;
  /** 1.. per (run, stepKey, attempt), in the order the commands were recorded. */
  n: number;
  /** Seq of the 'command' journal row that carries the digests of stdout/stderr. */
  journalSeq: number;
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  messages: unknown[];
  startedAt: string;
  /** What went to the utility's stdin, described (`passphrase: supplied on stdin`); kept in the journal row only. */
  stdin?: string;
}

export interface LockRow {
  db: string;
  runId: string;
  host: string;
  pid: number;
  acquiredAt: string;
  heartbeatAt: string;
}

export interface BackupRow {
  backupId: string;
  db: string;
  kind: 'offline' | 'online';
  destination: string;
  manifestDigest: string | null;
  /** AI extent sequence the backup pairs with (roll forward starts after it). */
  pairedAiSeq: number;
  dbIdentity: unknown;
  startedAt: string;
  completedAt: string | null;
  runId: string | null;
  details: unknown;
  /** When `oeflow expire` removed its files (null while kept). */
  expiredAt: string | null;
}

/** What addBackup takes: a BackupRow whose nullable fields may be left out. */
export type BackupInput = Pick<BackupRow, 'backupId' | 'db' | 'kind' | 'destination' | 'pairedAiSeq' | 'startedAt'> &
  Partial<Omit<BackupRow, 'backupId' | 'db' | 'kind' | 'destination' | 'pairedAiSeq' | 'startedAt'>>;

/** Signs journal row hashes; the store calls it inside the transaction that appends the row. */
export interface RowSigner {
  /** sha256 (hex) of the public key's DER (SPKI) encoding. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** Base64 signature of the row hash. */
  sign(rowHash: string): string;
}

/** One entry of the store log: a journal row (run start, end, decision) anchored in the store-wide chain. */
export interface StoreLogRow {
  seq: number;
  at: string;
  kind: string;
  runId: string;
  runSeq: number;
  runHash: string;
  prevHash: string;
  hash: string;
}
