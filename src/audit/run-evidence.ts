// What the evidence of one run shows, read from the store alone: the step timeline (plain
// step names, commands with message texts and the step's reading of each exit code), the
// run's events (crash, resume, lock takeover, decision), who ran it where, the definition it
// ran under, the backup it produced and the quiet-point window. The state names come from the
// definition the run ran under, passed in as a table (StateNames): `show` reads them from the
// build-time definition index (src/audit/state-names.ts) without loading xstate or a machine;
// the chart and the replay (evidence.ts, verify.ts) need the machine itself.
import {
  closingOf,
  decodeAttempt,
  decodeCommand,
  decodeJournalEntry,
  entriesOf,
  snapshotFacts,
  type DecodedAttempt,
  type DecodedCommand,
  type BackupRow,
  type JournalEntry,
  type JsonRecord,
  type JournaledMessage,
  type OperatorDecision,
  type Store,
} from '../store/index.js';
import { attemptFact } from '../steps/step-facts.js';
import { aiFilesApplied, type AppliedAiFile } from './ai-files-applied.js';
import { exitReading } from './exit-reading.js';
import { runOutcome, type StateNames } from './outcome.js';
import { runEvents } from './run-events.js';

export interface TimelineCommand {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  messages: JournaledMessage[];
  /** "6: in use — expected by preflight (the step succeeded)". */
  reading: string;
  /** What the utility got on stdin, as journaled (`passphrase: supplied on stdin`), never the text. */
  stdin?: string;
}

/** One row of a run's timeline: a step attempt with its commands. */
export interface TimelineRow {
  stepKey: string;
  stepId: string;
  /** Article step (OFFLINE-5) and the state's plain description. */
  kb: string;
  title: string;
  attempt: number;
  outcome: string;
  startedAt: string | null;
  durationMs: number | null;
  commands: TimelineCommand[];
  /** An operator's `oeflow resolve` on this attempt: verdict, reason, who and when. */
  decision?: OperatorDecision;
}

/** The state whose step an attempt ran: its stepKey without the `#<aiIndex>` of looping states. */
const stateIdOf = (stepKey: string): string => stepKey.split('#')[0]!;

/** Article step and plain name of a state id, wherever it sits in the machine. */
function nameOfStateId(names: StateNames, stateId: string): { kb: string; title: string } {
  for (const n of names.values())
    if (n.state === stateId || n.state.endsWith(`.${stateId}`)) return { kb: n.kb, title: n.title };
  return { kb: '', title: stateId };
}

/** The timeline of a run from its attempts, journal times and commands; `names` are the states of the definition it ran under. */
export function timeline(store: Store, runId: string, names: StateNames): TimelineRow[] {
  const at = store.journalTimes(runId);
  // commands by attempt, grouped once (not filtered per attempt: a 2,000-file restore has ~4,000 attempts)
  const byAttempt = new Map<string, DecodedCommand[]>();
  for (const c of store.commands(runId).map(decodeCommand)) {
    const key = `${c.attempt} ${c.stepKey}`;
    const list = byAttempt.get(key) ?? [];
    list.push(c);
    byAttempt.set(key, list);
  }
  return store
    .attempts(runId)
    .map(decodeAttempt)
    .map((a) => {
      // the intent records when the attempt began (before its probe ran)
      const start = a.intent.at ?? at.get(a.intentSeq) ?? null;
      const end = a.resultSeq !== null ? (at.get(a.resultSeq) ?? null) : null;
      const decision = a.output?.decision;
      const ok = a.outcome === 'ok' || a.outcome === 'reconciled-done' || a.outcome === 'decided-done';
      return {
        ...(decision ? { decision } : {}),
        stepKey: a.stepKey,
        stepId: a.stepId,
        ...nameOfStateId(names, stateIdOf(a.stepKey)),
        attempt: a.attempt,
        outcome: a.outcome ?? 'in-doubt',
        startedAt: start,
        durationMs: start && end ? Date.parse(end) - Date.parse(start) : null,
        commands: (byAttempt.get(`${a.attempt} ${a.stepKey}`) ?? []).map((c) => ({
          argv: c.argv,
          exitCode: c.exitCode,
          signal: c.signal,
          durationMs: c.durationMs,
          messages: c.messages,
          reading: exitReading(c.argv, c.exitCode, c.signal, a.stepId, ok),
          ...stdinOf(store, runId, c),
        })),
      };
    });
}

/** The journal's note on a command's stdin (kept in its journal row only); looked up only for a -Passphrase call. */
function stdinOf(store: Store, runId: string, c: { argv: string[]; journalSeq: number }): { stdin?: string } {
  if (!c.argv.includes('-Passphrase')) return {};
  const row = store.journalRow(runId, c.journalSeq);
  const entry = row === undefined ? undefined : decodeJournalEntry(row);
  const note = entry?.kind === 'command' ? entry.data.stdin : null;
  return note !== null ? { stdin: note } : {};
}

/** "OEF-050 … (6082)" → the messages of a command as "(number) text" lines. */
export function messageTexts(c: TimelineCommand): string[] {
  return c.messages.map((m) => (m.text ? `(${m.number}) ${m.text}` : `(${m.number})`));
}

/** Who ran the run, where, under which definition, and what it produced. */
export interface RunFacts {
  host: string;
  pid: number;
  osUser: string | null;
  oeflowVersion: string | null;
  machineId: string;
  definitionHash: string;
  dlcVersion: string | null;
  db: string;
  backup: Pick<
    BackupRow,
    'backupId' | 'kind' | 'destination' | 'manifestDigest' | 'pairedAiSeq' | 'dbIdentity' | 'completedAt'
  > | null;
  /** Enable → disable of the quiet point (online backups), with its length. */
  quietWindow: { enabledAt: string; disabledAt: string | null; durationMs: number | null } | null;
  /** Every AI file the run rolled forward: file, AI sequence, sha256 and size, in order (restores). */
  aiFilesApplied: AppliedAiFile[];
  /** Every step's facts as the run recorded them (copy manifest, sequences, …). */
  facts: { [stepId: string]: JsonRecord };
}

function quietWindowOf(rows: readonly TimelineRow[], journal: readonly JournalEntry[]): RunFacts['quietWindow'] {
  const endOf = (stateId: string): string | null => {
    const last = [...rows]
      .reverse()
      .find((r) => stateIdOf(r.stepKey) === stateId && (r.outcome === 'ok' || r.outcome.endsWith('-done')));
    if (!last) return null;
    const result = journal.find(
      (j) => j.stepKey === last.stepKey && j.attempt === last.attempt && closingOf(j) !== null,
    );
    return result?.at ?? null;
  };
  const enabledAt = endOf('quietEnable');
  if (enabledAt === null) return null;
  const disabledAt =
    endOf('quietDisable') ??
    endOf('quietDisableAfterFailure') ??
    endOf('quietDisableAfterAbort') ??
    endOf('quietDisableAfterTimeout');
  return {
    enabledAt,
    disabledAt,
    durationMs: disabledAt === null ? null : Date.parse(disabledAt) - Date.parse(enabledAt),
  };
}

/** The facts block of the evidence. */
export function runFacts(store: Store, runId: string, rows: readonly TimelineRow[]): RunFacts {
  const run = store.getRun(runId)!;
  const journal = store.entries(runId);
  const started = entriesOf(journal, 'run-started')[0]?.data;
  const facts = snapshotFacts(run.snapshot);
  const backup = store.listBackups({ db: run.db }).find((b) => b.runId === runId) ?? null;
  const attempts = store.attempts(runId).map(decodeAttempt);
  return {
    host: run.host,
    pid: run.pid,
    osUser: started?.osUser ?? null,
    oeflowVersion: started?.oeflowVersion ?? null,
    machineId: run.machineId,
    definitionHash: run.machineHash,
    dlcVersion: dlcVersionOf(attempts),
    db: run.db,
    backup: backup
      ? {
          backupId: backup.backupId,
          kind: backup.kind,
          destination: backup.destination,
          manifestDigest: backup.manifestDigest,
          pairedAiSeq: backup.pairedAiSeq,
          dbIdentity: backup.dbIdentity,
          completedAt: backup.completedAt,
        }
      : null,
    quietWindow: quietWindowOf(rows, journal),
    aiFilesApplied: aiFilesApplied(attempts, run.input),
    facts,
  };
}

/** The DLC release the run's newest preflight read from `$DLC/version`, or null (runs of an oeflow that did not record it). */
export function dlcVersionOf(attempts: readonly DecodedAttempt[]): string | null {
  const recorded = attempts
    .filter((a) => a.stepId === 'preflight')
    .map((a) => attemptFact(a.output?.facts, 'preflight', 'dlcVersion'))
    .filter((v) => v !== undefined);
  return recorded.at(-1) ?? null;
}

/** Everything `show` displays about one run (the evidence without the machine's chart). */
export function runEvidence(
  store: Store,
  runId: string,
  names: StateNames,
  journal: readonly JournalEntry[] = store.entries(runId),
) {
  const rows = timeline(store, runId, names);
  return {
    timeline: rows,
    events: runEvents(journal),
    facts: runFacts(store, runId, rows),
    outcome: runOutcome(names, journal),
  };
}
