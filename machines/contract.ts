// The contract between the pure machines and the engine: what a step state sends
// to the engine's `step` actor, what comes back, and the events the engine may send.
// Types only plus one pure helper; no I/O (machines must stay replayable).

/** JSON-safe value, so snapshots and journal rows round-trip exactly. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What a step state passes to the engine's step actor. */
export interface StepInput {
  /** Step module id in src/steps (camelCase), e.g. 'aiSwitch'. */
  stepId: string;
  /** Unique per run: the state id, plus `#<n>` for states entered in a loop. Memo key of the attempt. */
  stepKey: string;
  /** The procedure input and the facts gathered so far (read-only for the step). */
  context: ProcedureContext;
  /** The article step this state implements (a shared step module serves several, e.g. OFFLINE-5 / ONLINE-3). */
  kb?: KbStep;
}

/** What a step returns on success: facts merged into context.facts[stepId]. */
export interface StepOutput {
  facts: { [key: string]: Json };
}

/**
 * Why a step failed; carried as the error of the actor's onError event. The engine and steps
 * use it with `Code` = ErrorCode (src/errors.ts: one of the registered OEF codes); machines
 * stay free of src/ imports, so here the code is any string.
 */
export interface StepFailure<Code extends string = string> {
  /**
   * failed: the command failed or a precondition did not hold (run fails).
   * invariant: the engine refused to break a procedure invariant.
   * interrupted: an in-doubt roll forward that a crash interrupted; only `retry` may continue it.
   * rf-error: roll forward exited with an error (not a crash); the run halts until an operator asks for retry.
   * in-doubt: the step's attempt has an intent and no result, and its reconcile cannot tell whether it took
   *   effect: the machine waits in the step's awaiting-decision state (machines/decision-state.ts).
   */
  kind: 'failed' | 'invariant' | 'interrupted' | 'rf-error' | 'in-doubt';
  code: Code;
  message: string;
  hint?: string;
}

/** Input of every procedure machine; fields a procedure does not use are absent. */
export interface ProcedureInput {
  /** Which procedure the input is for (steps shared by several machines branch on it). */
  procedure: 'offline-backup' | 'online-backup' | 'roll-forward';
  /** RF: the manifest digest the catalog recorded for the backup (RF-1 refuses another manifest). */
  manifestDigest?: string;
  db: string;
  /** Backups: destination directory of the copy. */
  destination?: string;
  /** OFFLINE-3: site command that exits 0 when no scheduled job is running. */
  jobsCheck?: string;
  /** OFFLINE-7: restart the server after the copy (default true). */
  restart?: boolean;
  proserveArgs?: string[];
  /** ONLINE-2: snapshot command used instead of (or before) the file copy. */
  snapshotCmd?: string;
  maxQuietMs?: number;
  /** Online backup (issue 14): clone the files under the quiet point (clone), copy them (copy), or clone when the file system can (auto, the default). */
  copyMethod?: 'auto' | 'clone' | 'copy';
  /** Where clones are staged (same file system as the database, outside its directory); default `.oeflow-staging` beside the database directory. */
  stagingDir?: string;
  /** Restore: where the copy comes from and where it goes. */
  backupDir?: string;
  targetDb?: string;
  /**
   * Restore: AI files in proven order (planned before the run starts). Kept in the run's
   * stored input only (written once); the machine gets aiFileCount instead, so the snapshot
   * persisted after every transition stays the same size whatever the number of files.
   */
  aiFiles?: string[];
  /** Restore: how many AI files are planned (the machine's loop bound; see aiFiles). */
  aiFileCount?: number;
  /** Restore: roll forward endtime (yyyy:mm:dd:hh:mm:ss) applied to the last file. */
  until?: string;
  /** Restore: the AI sequence the backup's switch made BUSY (roll forward starts there). */
  pairedAiSeq?: number;
  /** Restore: AIMAGE BEGIN date of the source database (identifies its AI chain). */
  aiBeginDate?: string;
  /** Restore: the copy came from a replication-enabled database. */
  replication?: 'source' | 'target' | null;
  /**
   * Restore: every roll forward protects the target (ROLL FORWARD OPLOCK): nothing that would
   * run crash recovery can open it between AI files (docs/openedge.md §4.41).
   */
  oplock?: boolean;
}

export interface ProcedureContext {
  input: ProcedureInput;
  /** Facts returned by steps, by stepId. */
  facts: { [stepId: string]: { [key: string]: Json } };
  /** RF: index of the next AI file to apply. */
  aiIndex: number;
  /** RF: true once any roll forward command has been attempted (sequence is impossible from then on). */
  rollForwardStarted: boolean;
  /** The failure that sent the run to `failed`/halted, for the report. */
  failure: StepFailure | null;
  /** RF: automatic `retry` runs in a row after crashes on the current file (absent = 0). */
  automaticRetries?: number;
  /** Backups: why a resume started the run over (WORLD_CHANGED); its own earlier copy is then void. Absent otherwise. */
  restartedBecause?: string;
  /**
   * Added by the machines: set only when a compensation (quietDisable after a failure,
   * abort or timeout) itself failed, so the report can say the database may still be
   * quiesced while `failure` keeps the original cause. Absent otherwise.
   */
  compensationFailure?: StepFailure;
  /**
   * Added by the machines: why the run waits in an awaiting-decision state (the in-doubt step's
   * failure, OEF-051), kept apart from `failure` so a compensation's cause is not overwritten.
   * Set on entry to the awaiting state, cleared when the run leaves it.
   */
  inDoubt?: StepFailure;
}

/** Events the engine sends to a running procedure. */
export type ProcedureEvent =
  | { type: 'ABORT'; reason: string } // SIGINT/SIGTERM or operator
  | { type: 'WATCHDOG'; reason: string } // --max-quiet exceeded
  | { type: 'RESUME' } // continue an aborted run
  | { type: 'RETRY' } // operator asked roll forward retry after an error exit
  | { type: 'WORLD_CHANGED'; reason: string } // resume found the quiet point lost or the database reopened: start over
  | { type: 'DECIDED'; as: 'done' | 'not-done' }; // resume after `oeflow resolve`: the operator's decision on the step in doubt

/**
 * Article steps a state may cite (docs/procedure.md ids), plus the project's own phases:
 * PRE (preflight checks), CATALOG (recording the backup), END (final states),
 * ABORT (resting after an abort). Added by the machines; StateMeta.kb stays a string.
 */
export type KbStep =
  | 'PRE'
  | 'CATALOG'
  | 'END'
  | 'ABORT'
  | 'OFFLINE-1'
  | 'OFFLINE-2'
  | 'OFFLINE-3'
  | 'OFFLINE-4'
  | 'OFFLINE-5'
  | 'OFFLINE-6'
  | 'OFFLINE-7'
  | 'ONLINE-1'
  | 'ONLINE-2'
  | 'ONLINE-3'
  | 'ONLINE-4'
  | 'RF-1'
  | 'RF-2'
  | 'RF-3'
  | 'RF-4'
  | 'RF-5'
  | 'RF-5r';

/**
 * A condition of the database that a state may leave in place when the run stops in it:
 * a raised quiet point (online backup) or a database the run shut down (offline backup).
 * `abandon`, `on-open-run`, and the world check before a resume read it (machines/state-meta.ts).
 */
export type HeldCondition = 'quiet-point' | 'database-down';

/**
 * Where a state stands in the life of the condition it holds: `entering` runs the step that
 * brings it about (it may or may not hold yet), `held` rests under it, `leaving` runs the step
 * that ends it (it may still hold).
 */
export type HoldPhase = 'entering' | 'held' | 'leaving';

/** Metadata every state carries: the article step it implements. */
export interface StateMeta {
  kb: string;
  /** Run status the engine reports while the machine rests in this state. */
  status?: 'aborted' | 'halted' | 'needs-decision';
  /** An awaiting-decision state: the key of the step state (a sibling) whose attempt is in doubt. */
  decides?: string;
  /** A step state that waits for an operator in this sibling when its attempt is in doubt. */
  decidedIn?: string;
  /** The condition the run may hold in this state (children of a compound state inherit it). */
  holds?: HeldCondition;
  /** Set with `holds`. */
  holdPhase?: HoldPhase;
}
