// The events of a run that are not steps: a crash (the process died with the run open), a
// resume, a lock takeover and an operator's decision. They are journaled rows; the evidence
// shows each on the timeline and as a marker on the chart, so a killed-and-resumed run never
// reads as a clean one.
import { stateName } from '../engine/run-status.js';
import type { JournalEntry } from '../store/index.js';

export type RunEventKind = 'crash' | 'resume' | 'lock-takeover' | 'decision';

export interface RunEvent {
  kind: RunEventKind;
  /** Journal seq of the row that shows it (the resume note for a crash: the crash itself is a silence). */
  seq: number;
  at: string;
  /** The state the run was in when it happened. */
  state: string;
  text: string;
}

/** Crashes, resumes, lock takeovers and decisions, in journal order. */
export function runEvents(rows: readonly JournalEntry[]): RunEvent[] {
  const out: RunEvent[] = [];
  let state = '';
  let lastAt = '';
  // a crash shows first at the takeover of the dead process's lock, else at the resume
  let crashShown = false;
  const crash = (seq: number): void => {
    if (!crashShown)
      out.push({
        kind: 'crash',
        seq,
        at: lastAt,
        state,
        text: `the oeflow process died in ${state || 'its first step'} (last journal row at ${lastAt}); nothing was journaled until it was taken over`,
      });
    crashShown = true;
  };
  for (const row of rows) {
    if (row.kind === 'note' && row.data.resumedBy !== null) {
      const d = { ...row.data, resumedBy: row.data.resumedBy };
      // a run left 'running' without a process is one whose process died: the crash came after the last row before the resume
      if (d.fromStatus === 'running') crash(row.seq);
      crashShown = false;
      out.push({
        kind: 'resume',
        seq: row.seq,
        at: row.at,
        state,
        text: `resumed${d.retry ? ' with --retry' : ''} from ${d.fromStatus ?? '?'} by ${d.resumedBy.host ?? '?'} pid ${d.resumedBy.pid ?? '?'}`,
      });
    } else if (row.kind === 'lock-takeover') {
      const d = row.data;
      if (d.previous?.runId === row.runId) crash(row.seq);
      out.push({
        kind: 'lock-takeover',
        seq: row.seq,
        at: row.at,
        state,
        text: `took over the database lock from run ${d.previous?.runId ?? '?'} (${d.previous?.host ?? '?'} pid ${d.previous?.pid ?? '?'}), whose process was gone`,
      });
    } else if (row.kind === 'decision') {
      const d = row.data;
      const decision = d.abandoned ? null : d.output?.decision;
      const text = d.abandoned
        ? `abandoned by ${d.operator ?? '?'}: ${d.reason ?? ''}`
        : `operator decided ${row.stepKey ?? '?'} attempt ${row.attempt ?? '?'} ${decision?.as ?? d.outcome ?? '?'} (${decision?.operator ?? '?'}: ${decision?.reason ?? ''})`;
      out.push({ kind: 'decision', seq: row.seq, at: row.at, state, text });
    }
    if (row.kind === 'transition') state = stateName(row.data.to);
    lastAt = row.at;
  }
  return out;
}
