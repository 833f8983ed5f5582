// Does the run's stored record agree with its hashed journal? The runs, attempts and commands
// tables are what `show` and the evidence report display; nothing hashes them, so each value
// they show is compared with the journal row that carries it.
import {
  canonicalJson,
  closingOf,
  decodeMessages,
  entriesOf,
  sha256Hex,
  type AttemptRow,
  type CommandRow,
  type JournalEntry,
  type RunRow,
  type RunStatus,
} from '../store/index.js';

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** The status the journal implies: set by run-started, run-ended, a resume, an operator's decision or an abandon. */
export function journaledStatus(rows: readonly JournalEntry[]): { status: RunStatus; seq: number; state?: unknown } {
  let implied: { status: RunStatus; seq: number; state?: unknown } = { status: 'running', seq: 0 };
  for (const row of rows) {
    if (row.kind === 'run-ended' && row.data.status !== null)
      implied = { status: row.data.status, seq: row.seq, state: row.data.state };
    else if (row.kind === 'note' && row.data.resumedBy !== null) implied = { status: 'running', seq: row.seq };
    else if (row.kind === 'decision' && row.data.abandoned) implied = { status: 'failed', seq: row.seq };
    else if (row.kind === 'decision' && !row.data.abandoned && row.data.outcome?.startsWith('decided-') === true)
      implied = { status: 'running', seq: row.seq };
  }
  return implied;
}

function checkRun(run: RunRow, rows: readonly JournalEntry[], problems: string[]): void {
  const first = rows[0];
  if (first === undefined) {
    problems.push('the journal is empty: no run-started row');
    return;
  }
  if (first.seq !== 1 || first.kind !== 'run-started') {
    problems.push(`the journal does not begin with run-started at seq 1 (found ${first.kind} at seq ${first.seq})`);
    return;
  }
  const started = first.data;
  for (const [field, recorded, journaled] of [
    ['machine', run.machineId, started.machineId],
    ['machine definition hash', run.machineHash, started.machineHash],
    ['database', run.db, started.db],
    ['kind', run.kind, started.kind],
    ['input', run.input, started.input],
  ] as const) {
    if (!same(recorded, journaled))
      problems.push(
        `the run record's ${field} (${canonicalJson(recorded).slice(0, 120)}) differs from run-started's (${canonicalJson(journaled).slice(0, 120)})`,
      );
  }
  const implied = journaledStatus(rows);
  if (run.status !== implied.status)
    problems.push(
      `the run record says ${run.status}, the journal says ${implied.status}${implied.seq ? ` (seq ${implied.seq})` : ''}`,
    );
  const lastTransition = entriesOf(rows, 'transition').at(-1);
  if (lastTransition !== undefined) {
    const to = lastTransition.data.to;
    if (!same(run.stateValue, to))
      problems.push(
        `the run record's state ${canonicalJson(run.stateValue)} differs from the last transition's (seq ${lastTransition.seq}: ${canonicalJson(to)})`,
      );
    if (implied.state !== undefined && implied.state !== null && !same(implied.state, to)) {
      problems.push(
        `run-ended (seq ${implied.seq}) records state ${canonicalJson(implied.state)}, the last transition leads to ${canonicalJson(to)}`,
      );
    }
  }
}

function checkCommands(
  commands: readonly CommandRow[],
  bySeq: ReadonlyMap<number, JournalEntry>,
  journaled: number,
  problems: string[],
): void {
  if (commands.length !== journaled)
    problems.push(`${commands.length} command rows are stored, the journal has ${journaled}`);
  for (const c of commands) {
    const row = bySeq.get(c.journalSeq);
    const where = `command ${c.stepKey} #${c.attempt}.${c.n}`;
    if (row?.kind !== 'command' || row.stepKey !== c.stepKey || row.attempt !== c.attempt) {
      problems.push(`${where}: no matching command row at seq ${c.journalSeq}`);
      continue;
    }
    const j = row.data;
    const differing = [
      j.n !== c.n && 'n',
      !same(j.argv, c.argv) && 'argv',
      !same(j.exitCode, c.exitCode) && 'exit code',
      !same(j.signal, c.signal) && 'signal',
      !same(j.messages, decodeMessages(c.messages)) && 'messages',
      j.stdoutSha256 !== sha256Hex(c.stdout) && 'stdout',
      j.stderrSha256 !== sha256Hex(c.stderr) && 'stderr',
    ].filter((x): x is string => x !== false);
    if (differing.length > 0)
      problems.push(`${where}: stored ${differing.join(', ')} differ from the journal (seq ${c.journalSeq})`);
  }
}

function checkAttempts(
  attempts: readonly AttemptRow[],
  bySeq: ReadonlyMap<number, JournalEntry>,
  journaled: number,
  problems: string[],
): void {
  if (attempts.length !== journaled)
    problems.push(`${attempts.length} attempts are stored, the journal has ${journaled} intents`);
  for (const a of attempts) {
    const where = `attempt ${a.stepKey} #${a.attempt}`;
    const intent = bySeq.get(a.intentSeq);
    if (intent?.kind !== 'intent' || intent.stepKey !== a.stepKey || intent.attempt !== a.attempt)
      problems.push(`${where}: no matching intent at seq ${a.intentSeq}`);
    if (a.resultSeq === null) {
      if (a.outcome !== null) problems.push(`${where}: stored outcome ${a.outcome} without a journaled result`);
      continue;
    }
    const result = bySeq.get(a.resultSeq);
    const outcome = result === undefined ? undefined : (closingOf(result)?.outcome ?? undefined);
    if (result === undefined || result.stepKey !== a.stepKey || result.attempt !== a.attempt || outcome !== a.outcome) {
      problems.push(
        `${where}: stored outcome ${a.outcome ?? 'none'} differs from the journal (seq ${a.resultSeq}: ${outcome ?? 'no result'})`,
      );
    }
  }
}

/** Every value the run, attempts and commands tables show, compared with the journal. */
export function checkRecord(
  run: RunRow,
  rows: readonly JournalEntry[],
  attempts: readonly AttemptRow[],
  commands: readonly CommandRow[],
): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  checkRun(run, rows, problems);
  checkCommands(commands, bySeq, rows.filter((r) => r.kind === 'command').length, problems);
  checkAttempts(attempts, bySeq, rows.filter((r) => r.kind === 'intent').length, problems);
  return { ok: problems.length === 0, problems };
}
