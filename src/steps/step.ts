// The step contract (docs/architecture.md §4): everything needed to run, resume and prove
// one procedure step, declared once per step module.
import type {
  Json,
  ProcedureContext,
  ProcedureInput,
  StepFailure as MachineStepFailure,
} from '../../machines/contract.js';
import type { ErrorCode } from '../errors.js';
import type { GuardStart } from '../guard/quiet-guard.js';
import type { Utility } from '../openedge/runner.js';
import type { OpenEdgeTools } from '../openedge/tools.js';
import type { BusyState } from '../openedge/types.js';

/** A step failure whose code is a registered OEF code (src/errors.ts). */
export type StepFailure = MachineStepFailure<ErrorCode>;

/** read: no side effect; idempotent: safe to run again; once: must never run twice. */
export type Effect = 'read' | 'idempotent' | 'once';

/** Facts a step learned; undefined members are dropped when persisted (JSON). */
export type Facts = { [key: string]: Json | undefined };

/** Progress a long step reports (copies report bytes). */
export interface StepProgress {
  stepKey: string;
  message?: string;
  bytesDone?: number;
  bytesTotal?: number;
}

/** Catalog entry a backup run records (the engine writes it to the store). */
export interface CatalogEntry {
  backupId: string;
  db: string;
  kind: 'offline' | 'online';
  destination: string;
  manifestDigest: string;
  pairedAiSeq: number;
  dbIdentity: Facts;
  startedAt: string;
  completedAt: string;
  details: BackupDetails;
}

/** What a catalog entry records of the run that took the backup (read back by store/journal-entry.ts backupBytes). */
export interface BackupDetails {
  runId: string;
  files: number | null;
  bytes: number | null;
  copyMethod: string;
  quietWindowMs: number | null;
}

/** Services the engine hands to a step (dependencies as parameters, never singletons). */
export interface StepEnv {
  readonly runId: string;
  readonly stepKey: string;
  readonly ctx: ProcedureContext;
  readonly tools: OpenEdgeTools;
  readonly signal: AbortSignal;
  progress(p: Omit<StepProgress, 'stepKey'>): void;
  /** Records a completed backup in the catalog (idempotent on backupId). */
  catalog(entry: CatalogEntry): void;
  /** Run start time: backups and catalog ids derive from it, so reruns are identical. */
  readonly runStartedAt: string;
  /** The run's stored input: what ctx.input holds plus the AI file list (ctx.input has only its count). */
  readonly runInput: ProcedureInput;
  /** When the run entered the state this step runs in (the journaled transition), for steps that must tell their own earlier attempt from someone else's act. */
  enteredAt(): string | null;
  /**
   * The run's quiet-point guard (src/guard/): armed before `proquiet enable` (resolving once it
   * watches, has ended, or is slow: guardStarted), released after the disable.
   */
  readonly quietGuard: { arm(): Promise<GuardStart>; release(how: 'finalize' | 'stand-down'): void };
  /**
   * Journals a site command (--snapshot-cmd, --jobs-check) the moment it runs, with its pid, so
   * a resume after a kill waits for it like a leftover utility; the returned function journals
   * its end. ownGroup: it leads its own process group (its children count as it).
   */
  siteCommandStarted(pid: number, argv: readonly string[], ownGroup: boolean, spawnId?: string): () => void;
  /**
   * A fresh mark for a process the step starts itself (a site command): give its env to the
   * process and its spawnId to siteCommandStarted, so a resume finds it even if the kill came
   * before that row (engine/run-marker.ts).
   */
  markSpawn(): { spawnId: string; env: Record<string, string> };
}

/** An in-doubt attempt as recorded before the crash. */
export interface Intent<P> {
  at: string;
  probe: P;
}

/**
 * done: the command took effect (facts as if it had returned); not-done: run it again;
 * unknown: an operator must decide; interrupted: a crash cut a roll forward half way
 * (only `retry` may continue); failed: it ran and failed (the recorded failure stands).
 */
export type Reconciliation =
  | { verdict: 'done'; facts: Facts }
  | { verdict: 'not-done' }
  | { verdict: 'unknown'; why: string }
  | { verdict: 'interrupted'; why: string }
  | { verdict: 'failed'; failure: StepFailure };

/** What a plan read from the live database before a run (read-only), for declarations that depend on it. */
export interface PlanWorld {
  /** `proutil -C busy` before the run (OFFLINE-1 shuts down only a database in use). */
  busy?: BusyState;
  /** Online backups: the copy method prepareCopy would choose now (the machine branches on it). */
  copyMethod?: 'clone' | 'copy' | 'snapshot';
}

/** What a step's declaration is a pure function of: the run's input, the visit, and what the plan read. */
export interface DeclarationInput {
  /** The run's stored input, with its AI file list. */
  input: ProcedureInput;
  /** RF: the AI file this visit applies (the machine's aiIndex). */
  aiIndex: number;
  world: PlanWorld;
}

/**
 * The kind of state-changing call a step may make: its utility and the words that name the call
 * among the utility's calls (`aimage new`), without operands. Every step declares the shapes it
 * runs (Step.effects); a call is state-changing exactly when some step declares its shape
 * (steps/effect-commands.ts), and a simulator fault on these words hits it (src/sim/faults.ts).
 */
export interface CommandShape {
  utility: Utility | 'sh';
  words: readonly string[];
}

/**
 * A state-changing command a step runs (docs/architecture.md §4): `--plan` lists it, the crash
 * tests hang it in the simulator. `sh` is the operator's own command (--snapshot-cmd).
 */
export interface DeclaredCommand extends CommandShape {
  /** The arguments after the utility, exactly as the run passes them. */
  args: readonly string[];
  note?: string;
}

/** The declaration of a step that runs no state-changing command (reads, checks, file copies). */
export const noCommands = (): DeclaredCommand[] => [];

/**
 * What a step reads of its run to decide whether an operator may run it again after the
 * failure that halted the run (`oeflow resume --retry`, Step.refuseOperatorRetry).
 */
export interface RunRecord {
  readonly runId: string;
  /** The database the run holds (its lock): for a restore, the target. */
  readonly db: string;
  /** The run's attempts, oldest first, with when each intent was recorded. */
  readonly attempts: readonly { stepId: string; stepKey: string; at: string | null }[];
  /** The commands the run recorded, oldest first, with their message numbers. */
  readonly commands: readonly { stepKey: string; messages: readonly { number: number }[] }[];
}

export interface Step<P = Json> {
  id: string;
  title: string;
  /** The article step it implements, e.g. OFFLINE-4. */
  kb: string;
  effect: Effect;
  /** Every kind of state-changing call this step may make (none when absent); each declared command has one of these shapes. */
  effects?: readonly CommandShape[];
  /**
   * What this step's utility calls change, an OS crash changes too, and a resume checks what may
   * have followed it: its calls start without waiting for the journal's fsync. Only
   * `quietDisable`: a quiet point lives in the broker's memory, an OS crash takes the broker down,
   * and the world check never trusts a quiet point enabled before the OS started (docs/architecture.md
   * §5.9, which says why no other step qualifies).
   */
  osCrashHasSameEffect?: true;
  /** The state-changing commands this step runs for a given input, in order: `--plan` and the crash tests read them. */
  commands(d: DeclarationInput): DeclaredCommand[];
  /** The facts the machine's guards read from this step, as a plan expects them (walking the main path). */
  plannedFacts?(d: DeclarationInput): Facts;
  /** Reads the database's real state (before the intent, and again when reconciling). */
  probe(env: StepEnv): Promise<P>;
  /**
   * The probe before the intent, when an earlier step's read of the same facts may stand for it
   * (default: `probe`). Reconciling and an operator's decision always read afresh (`probe`).
   * A step declaring it states why the fact cannot have changed, or why a change is still
   * caught (docs/architecture.md §4, "Reads not repeated").
   */
  intentProbe?(env: StepEnv): Promise<P>;
  /** Invariants that must hold before the command runs; a failure stops the run, nothing is executed. */
  precheck?(probe: P, env: StepEnv): StepFailure | null;
  /** Runs the command(s); throws a StepFailureError on failure. Returns the facts learned. */
  run(env: StepEnv, probe: P): Promise<Facts>;
  /** Decides an in-doubt attempt from the real state now versus the intent. Required for `once`. */
  reconcile?(now: P, intent: Intent<P>, env: StepEnv): Promise<Reconciliation> | Reconciliation;
  /** Facts for an attempt an operator declared done (`oeflow resolve --as done`), read from the state now. */
  factsWhenDecided?(now: P, intent: Intent<P>): Facts;
  /**
   * For a step whose failure halts the run until an operator asks for it again (`oeflow resume
   * --retry`): the refusal when running it again now could do harm, else null. Absent: the
   * operator's word is enough.
   */
  refuseOperatorRetry?(record: RunRecord): StepFailure | null;
  /** Step id that undoes this one on failure or abort (declared; the machine routes to it). */
  compensate?: string;
}

/** Thrown by steps; carries a StepFailure that becomes the machine's onError payload. */
export class StepFailureError extends Error {
  readonly failure: StepFailure;
  constructor(failure: StepFailure) {
    super(failure.message);
    this.name = 'StepFailureError';
    this.failure = failure;
  }
}

/** Build a StepFailure (plain, JSON-safe: it is persisted in the snapshot). */
export function failure(kind: StepFailure['kind'], code: ErrorCode, message: string, hint?: string): StepFailure {
  return hint === undefined ? { kind, code, message } : { kind, code, message, hint };
}

/** Throw a StepFailureError. */
export function fail(kind: StepFailure['kind'], code: ErrorCode, message: string, hint?: string): never {
  throw new StepFailureError(failure(kind, code, message, hint));
}

/** A fact as text ('' when absent): facts are JSON, so objects are written as JSON, never `[object Object]`. */
export function factText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
