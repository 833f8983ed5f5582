// The journal as typed records: one union keyed by row kind, and the one decoder every reader
// uses (audit, show, report, engine, use cases). Payloads are JSON the store parsed; the
// decoder checks each field's type and never trusts a shape, so a reader never casts a
// payload. A field that is absent or of the wrong type decodes as null/undefined (a tampered
// or older row), which the readers then report instead of crashing.
import type { Json, StepFailure as MachineStepFailure } from '../../machines/contract.js';
import { isErrorCode, type ErrorCode } from '../errors.js';
import type { AttemptOutcome, AttemptRow, CommandRow, JournalKind, JournalRow, RunStatus } from './types.js';

/** A step failure with a registered OEF code. */
export type StepFailure = MachineStepFailure<ErrorCode>;

/** A JSON object (what a parsed payload's objects are). */
export type JsonRecord = { [key: string]: Json };

/** A message number (and text) a utility printed. */
export interface JournaledMessage {
  number: number;
  text?: string;
}

export interface RunStartedData {
  machineId: string | null;
  machineHash: string | null;
  db: string | null;
  kind: string | null;
  input: unknown;
  host: string | null;
  pid: number | null;
  osUser: string | null;
  /** The oeflow that started the run (recorded in its input since 0.2). */
  oeflowVersion: string | null;
}

/** An xstate event as journaled (its type, and whatever else it carried). */
export type JournaledEvent = { type: string } & { [key: string]: unknown };

export interface TransitionData {
  event: JournaledEvent;
  /** The kind of step failure an `xstate.error.actor.*` event carries (`in-doubt`: the attempt awaits a decision). */
  errorKind: StepFailure['kind'] | null;
  from: unknown;
  to: unknown;
  snapshotSha256: string | null;
}

export interface IntentData {
  /** When the attempt began (before its probe). */
  at: string | null;
  probe: unknown;
  effect: string | null;
  /** The precheck's refusal (nothing ran). */
  refused: StepFailure | null;
  /** The probe threw (nothing ran). */
  probeError: StepFailure | null;
}

export interface CommandData {
  n: number | null;
  /** Utility first; null when the row does not hold an array of strings. */
  argv: string[] | null;
  exitCode: number | null;
  signal: string | null;
  durationMs: number | null;
  startedAt: string | null;
  /** null when the row does not hold a list of messages. */
  messages: JournaledMessage[] | null;
  stdoutSha256: string | null;
  stderrSha256: string | null;
  /** What was written to the utility's stdin, as journaled (a -Passphrase call's note; never the secret). */
  stdin: string | null;
}

/** An operator's `oeflow resolve` as recorded in the attempt's output. */
export interface OperatorDecision {
  as: string;
  reason: string;
  operator: string;
  at: string;
}

/** What a step returned (facts), or what a resolve/reconciliation recorded. */
export interface StepOutputData {
  facts: JsonRecord;
  decision: OperatorDecision | null;
}

/** The closing row of an attempt: result, reconciliation or decision. */
export interface ResultData {
  /** null when the row carries no valid outcome (an unknown reconciliation, a tampered row). */
  outcome: AttemptOutcome | null;
  output: StepOutputData | null;
  error: StepFailure | null;
  /** A reconciliation that could not decide: why (no outcome then). */
  unknownWhy: string | null;
}

export interface AbandonData {
  reason: string | null;
  operator: string | null;
  at: string | null;
  state: string | null;
}

export type DecisionData = ({ abandoned: true } & AbandonData) | ({ abandoned: false } & ResultData);

export interface ProcessHolder {
  host: string | null;
  pid: number | null;
  runId: string | null;
}

export interface LockTakeoverData {
  db: string | null;
  previous: ProcessHolder | null;
}

export interface SpawnedUtility {
  pid: number;
  host: string;
  /** Utility first. */
  argv: string[];
  /** A site command: alive while its pid (or, leading its own group, any process of the group) runs. */
  siteCommand?: { ownGroup: boolean };
  /** /proc/<pid>/stat start time at the spawn: with the pid, it names the process (absent in older rows, or without /proc). */
  startTime?: string;
  /** The spawn's id in the process's environment (engine/run-marker.ts): what it started carries it too. */
  spawnId?: string;
}

export interface DrillNote {
  db: string | null;
  status: string | null;
  rtoSeconds: number | null;
  rpoSeconds: number | null;
}

/** A note: a bag of optional members, one per thing notes record. */
export interface NoteData {
  resumedBy: ProcessHolder | null;
  retry: boolean;
  fromStatus: string | null;
  spawned: SpawnedUtility | null;
  /** A site command's end (its pid): it is no longer a leftover. */
  siteCommandEnded: { pid: number } | null;
  drill: DrillNote | null;
}

export interface RunEndedData {
  status: RunStatus | null;
  resumable: boolean | null;
  state: unknown;
  failure: { code: string | null; message: string | null } | null;
}

interface EntryBase {
  runId: string;
  seq: number;
  at: string;
  stepKey: string | null;
  attempt: number | null;
}

type Entry<K extends JournalKind, D> = EntryBase & { kind: K; data: D };

/** One journal row, typed by its kind. */
export type JournalEntry =
  | Entry<'run-started', RunStartedData>
  | Entry<'transition', TransitionData>
  | Entry<'intent', IntentData>
  | Entry<'command', CommandData>
  | Entry<'result', ResultData>
  | Entry<'reconciliation', ResultData>
  | Entry<'decision', DecisionData>
  | Entry<'lock-takeover', LockTakeoverData>
  | Entry<'note', NoteData>
  | Entry<'run-ended', RunEndedData>;

// ---- field readers (the only place payload types are checked) ----

function isRecord(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isJson(v: unknown): v is Json {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  return isRecord(v) && Object.values(v).every(isJson);
}

const field = (v: unknown, key: string): unknown => (isRecord(v) ? v[key] : undefined);
const str = (v: unknown, key: string): string | null => {
  const x = field(v, key);
  return typeof x === 'string' ? x : null;
};
const num = (v: unknown, key: string): number | null => {
  const x = field(v, key);
  return typeof x === 'number' ? x : null;
};
const bool = (v: unknown, key: string): boolean | null => {
  const x = field(v, key);
  return typeof x === 'boolean' ? x : null;
};

const OUTCOMES: readonly AttemptOutcome[] = [
  'ok',
  'error',
  'reconciled-done',
  'reconciled-not-done',
  'decided-done',
  'decided-not-done',
];
const STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'aborted', 'needs-decision'];
const FAILURE_KINDS: readonly StepFailure['kind'][] = ['failed', 'invariant', 'interrupted', 'rf-error', 'in-doubt'];

function oneOf<T extends string>(values: readonly T[], v: unknown): T | null {
  return values.find((x) => x === v) ?? null;
}

/** A JSON object, or null when `v` is not one. */
export function decodeJsonRecord(v: unknown): JsonRecord | null {
  return isRecord(v) && isJson(v) ? v : null;
}

/** A StepFailure as persisted (kind, code, message, hint), or null. */
export function decodeStepFailure(v: unknown): StepFailure | null {
  const kind = oneOf(FAILURE_KINDS, field(v, 'kind'));
  const code = field(v, 'code');
  const message = str(v, 'message');
  if (kind === null || !isErrorCode(code) || message === null) return null;
  const hint = str(v, 'hint');
  return hint === null ? { kind, code, message } : { kind, code, message, hint };
}

/** The messages a command row or the commands table holds, or null when they are not a list of messages. */
export function decodeMessages(v: unknown): JournaledMessage[] | null {
  if (!Array.isArray(v)) return null;
  const out: JournaledMessage[] = [];
  for (const m of v) {
    const number = num(m, 'number');
    if (number === null) return null;
    const text = str(m, 'text');
    out.push(text === null ? { number } : { number, text });
  }
  return out;
}

function decodeDecision(v: unknown): OperatorDecision | null {
  const as = str(v, 'as');
  return as === null
    ? null
    : { as, reason: str(v, 'reason') ?? '', operator: str(v, 'operator') ?? '', at: str(v, 'at') ?? '' };
}

/** A step's output as recorded with its result (facts and, after `oeflow resolve`, the decision). */
export function decodeStepOutput(v: unknown): StepOutputData | null {
  if (!isRecord(v)) return null;
  return { facts: decodeJsonRecord(v['facts']) ?? {}, decision: decodeDecision(v['decision']) };
}

/** The data of an intent row (also the attempts table's `intent`). */
export function decodeIntent(v: unknown): IntentData {
  return {
    at: str(v, 'at'),
    probe: field(v, 'probe') ?? null,
    effect: str(v, 'effect'),
    refused: decodeStepFailure(field(v, 'refused')),
    probeError: decodeStepFailure(field(v, 'probeError')),
  };
}

function decodeResult(v: unknown): ResultData {
  return {
    outcome: oneOf(OUTCOMES, field(v, 'outcome')),
    output: decodeStepOutput(field(v, 'output')),
    error: decodeStepFailure(field(v, 'error')),
    unknownWhy: str(v, 'verdict') === 'unknown' ? (str(v, 'why') ?? '') : null,
  };
}

function decodeHolder(v: unknown): ProcessHolder | null {
  return isRecord(v) ? { host: str(v, 'host'), pid: num(v, 'pid'), runId: str(v, 'runId') } : null;
}

function decodeSpawned(v: unknown): SpawnedUtility | null {
  const pid = num(v, 'pid');
  const host = str(v, 'host');
  const argv = field(v, 'argv');
  if (pid === null || host === null || !Array.isArray(argv) || !argv.every((a): a is string => typeof a === 'string'))
    return null;
  const site = field(v, 'siteCommand');
  const ownGroup = isRecord(site) ? bool(site, 'ownGroup') : null;
  const startTime = str(v, 'startTime');
  const spawnId = str(v, 'spawnId');
  return {
    pid,
    host,
    argv,
    ...(ownGroup === null ? {} : { siteCommand: { ownGroup } }),
    ...(startTime === null ? {} : { startTime }),
    ...(spawnId === null ? {} : { spawnId }),
  };
}

function decodeSiteCommandEnded(v: unknown): { pid: number } | null {
  const pid = num(v, 'pid');
  return pid === null ? null : { pid };
}

function decodeDrill(v: unknown): DrillNote | null {
  return isRecord(v)
    ? { db: str(v, 'db'), status: str(v, 'status'), rtoSeconds: num(v, 'rtoSeconds'), rpoSeconds: num(v, 'rpoSeconds') }
    : null;
}

function decodeEvent(v: unknown): JournaledEvent {
  const type = str(v, 'type') ?? '';
  return isRecord(v) ? { ...v, type } : { type };
}

/** The typed record of one journal row. */
export function decodeJournalEntry(row: JournalRow): JournalEntry {
  const b: EntryBase = { runId: row.runId, seq: row.seq, at: row.at, stepKey: row.stepKey, attempt: row.attempt };
  const d = row.data;
  switch (row.kind) {
    case 'run-started':
      return {
        ...b,
        kind: 'run-started',
        data: {
          machineId: str(d, 'machineId'),
          machineHash: str(d, 'machineHash'),
          db: str(d, 'db'),
          kind: str(d, 'kind'),
          input: field(d, 'input'),
          host: str(d, 'host'),
          pid: num(d, 'pid'),
          osUser: str(d, 'osUser'),
          oeflowVersion: str(field(d, 'input'), 'oeflowVersion'),
        },
      };
    case 'transition':
      return {
        ...b,
        kind: 'transition',
        data: {
          event: decodeEvent(field(d, 'event')),
          errorKind: oneOf(FAILURE_KINDS, field(field(field(d, 'event'), 'error'), 'kind')),
          from: field(d, 'from'),
          to: field(d, 'to'),
          snapshotSha256: str(d, 'snapshotSha256'),
        },
      };
    case 'intent':
      return { ...b, kind: 'intent', data: decodeIntent(d) };
    case 'command': {
      const argv = field(d, 'argv');
      return {
        ...b,
        kind: 'command',
        data: {
          n: num(d, 'n'),
          argv: Array.isArray(argv) && argv.every((a): a is string => typeof a === 'string') ? argv : null,
          exitCode: num(d, 'exitCode'),
          signal: str(d, 'signal'),
          durationMs: num(d, 'durationMs'),
          startedAt: str(d, 'startedAt'),
          messages: decodeMessages(field(d, 'messages')),
          stdoutSha256: str(d, 'stdoutSha256'),
          stderrSha256: str(d, 'stderrSha256'),
          stdin: str(d, 'stdin'),
        },
      };
    }
    case 'result':
      return { ...b, kind: 'result', data: decodeResult(d) };
    case 'reconciliation':
      return { ...b, kind: 'reconciliation', data: decodeResult(d) };
    case 'decision':
      return {
        ...b,
        kind: 'decision',
        data:
          bool(d, 'abandoned') === true
            ? {
                abandoned: true,
                reason: str(d, 'reason'),
                operator: str(d, 'operator'),
                at: str(d, 'at'),
                state: str(d, 'state'),
              }
            : { abandoned: false, ...decodeResult(d) },
      };
    case 'lock-takeover':
      return { ...b, kind: 'lock-takeover', data: { db: str(d, 'db'), previous: decodeHolder(field(d, 'previous')) } };
    case 'note':
      return {
        ...b,
        kind: 'note',
        data: {
          resumedBy: decodeHolder(field(d, 'resumedBy')),
          retry: bool(d, 'retry') === true,
          fromStatus: str(d, 'fromStatus'),
          spawned: decodeSpawned(field(d, 'spawned')),
          siteCommandEnded: decodeSiteCommandEnded(field(d, 'siteCommandEnded')),
          drill: decodeDrill(field(d, 'drill')),
        },
      };
    case 'run-ended': {
      const failure = field(d, 'failure');
      return {
        ...b,
        kind: 'run-ended',
        data: {
          status: oneOf(STATUSES, field(d, 'status')),
          resumable: bool(d, 'resumable'),
          state: field(d, 'state'),
          failure: isRecord(failure) ? { code: str(failure, 'code'), message: str(failure, 'message') } : null,
        },
      };
    }
  }
}

/** Every row of a run's journal, typed. */
export function decodeJournal(rows: readonly JournalRow[]): JournalEntry[] {
  return rows.map(decodeJournalEntry);
}

/** The attempt-closing data of a result, reconciliation or operator decision row (an abandon closes no attempt). */
export function closingOf(row: JournalEntry): ResultData | null {
  if (row.kind === 'result' || row.kind === 'reconciliation') return row.data;
  if (row.kind === 'decision' && !row.data.abandoned) return row.data;
  return null;
}

/** The entries of one kind, typed as that kind. */
export function entriesOf<K extends JournalKind>(
  rows: readonly JournalEntry[],
  kind: K,
): Extract<JournalEntry, { kind: K }>[] {
  return rows.filter((r): r is Extract<JournalEntry, { kind: K }> => r.kind === kind);
}

/** The step facts of a persisted actor snapshot (context.facts), by step id; {} when it has none. */
export function snapshotFacts(snapshot: unknown): { [stepId: string]: JsonRecord } {
  const facts = decodeJsonRecord(field(field(snapshot, 'context'), 'facts')) ?? {};
  const out: { [stepId: string]: JsonRecord } = {};
  for (const [id, f] of Object.entries(facts)) {
    const record = decodeJsonRecord(f);
    if (record !== null) out[id] = record;
  }
  return out;
}

/** The oeflow version a run's stored input records, or null (runs started before 0.2). */
export function inputOeflowVersion(input: unknown): string | null {
  return str(input, 'oeflowVersion');
}

/** A text member of a run's stored input (destination, backupDir, …), or null. */
export function inputText(input: unknown, key: string): string | null {
  return str(input, key);
}

/** Bytes a backup's copy wrote, from its catalog row's details (recordBackup), or null. */
export function backupBytes(details: unknown): number | null {
  return num(details, 'bytes');
}

/** Code and message of a run's recorded error (a step failure or an engine error), or null. */
export function decodeRunError(v: unknown): { code: string | null; message: string | null } | null {
  return isRecord(v) ? { code: str(v, 'code'), message: str(v, 'message') } : null;
}

/** The planned AI files a restore's stored input lists, in roll-forward order ([] when none). */
export function inputAiFiles(input: unknown): string[] {
  const files = field(input, 'aiFiles');
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string') : [];
}

/** An attempt (attempts table) with its journaled payloads decoded: intent data, output (facts, decision), failure. */
export interface DecodedAttempt extends Omit<AttemptRow, 'intent' | 'output' | 'error'> {
  intent: IntentData;
  output: StepOutputData | null;
  error: StepFailure | null;
}

export function decodeAttempt(a: AttemptRow): DecodedAttempt {
  return {
    ...a,
    intent: decodeIntent(a.intent),
    output: decodeStepOutput(a.output),
    error: decodeStepFailure(a.error),
  };
}

/** A stored command with its messages decoded (an unreadable list decodes as none). */
export interface DecodedCommand extends Omit<CommandRow, 'messages'> {
  messages: JournaledMessage[];
}

export function decodeCommand(c: CommandRow): DecodedCommand {
  return { ...c, messages: decodeMessages(c.messages) ?? [] };
}
