// Renders engine events for people and for the log file. On stderr: one line per step event
// (started, done, failed, skipped, already done, reconciled), each step named in plain words
// beside its article id; bytes of a copy redraw in place only on a terminal (off a terminal,
// e.g. under cron, nothing but the step lines). `--quiet`/`--json` turn the stderr part off;
// the log file (if any) gets its lines whatever the terminal says.
import { formatBytes } from '../copy/progress.js';
import type { EngineEvent, Reporter } from '../engine/reporter.js';
import type { CommandLog } from './command-log.js';
import { formatDuration } from './duration.js';
import type { CliIO } from './io.js';

const mark = { start: '▶', ok: '✔', skipped: '–', error: '✖', reconciled: '↻', memo: '≡' } as const;

/** What each procedure is called in plain words. */
const PROCEDURE_NAMES: Readonly<Record<string, string>> = {
  'offline-backup': 'offline backup',
  'online-backup': 'online backup',
  'roll-forward': 'restore (roll forward)',
};

export function procedureName(machineId: string): string {
  return PROCEDURE_NAMES[machineId] ?? machineId;
}

/** "Roll forward an AI file (rfutil -C roll forward), AI file 2": the step title, and which AI file for a looping step (`rollForward#1`). */
export function stepTitle(e: { title: string; stepKey: string }): string {
  const m = /#(\d+)$/.exec(e.stepKey);
  return m ? `${e.title}, AI file ${Number(m[1]) + 1}` : e.title;
}

/** "OFFLINE-1  Shut the database down (proshut -by)": article id, then plain words. */
function named(e: { kb: string; title: string; stepKey: string }): string {
  return `${e.kb.padEnd(10)} ${stepTitle(e)}`;
}

/** One line per event (without the mark), or null for events that have no line. */
function describe(e: EngineEvent): { level: 'error' | 'warn' | 'info' | 'debug'; mark: string; text: string } | null {
  switch (e.type) {
    case 'run':
      return {
        level: 'info',
        mark: '',
        text: `${e.resumed ? 'resuming' : 'run'} ${e.runId}: ${procedureName(e.machineId)} of ${e.db}`,
      };
    case 'step-start':
      return {
        level: 'debug',
        mark: mark.start,
        text: `${named(e)}: started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`,
      };
    case 'step-end':
      if (e.outcome === 'error')
        return {
          level: 'error',
          mark: mark.error,
          text: `${named(e)}: failed after ${formatDuration(e.durationMs)}${e.failure ? `: ${e.failure.code} ${e.failure.message}` : ''}`,
        };
      if (e.outcome === 'memo')
        return {
          level: 'info',
          mark: mark.memo,
          text: `${named(e)}: already done (recorded)${e.skipped !== undefined ? `, skipped: ${e.skipped}` : ''}`,
        };
      if (e.skipped !== undefined)
        return { level: 'info', mark: mark.skipped, text: `${named(e)}: skipped (${e.skipped})` };
      return { level: 'info', mark: mark.ok, text: `${named(e)}: done in ${formatDuration(e.durationMs)}` };
    case 'reconcile':
      return {
        level: 'warn',
        mark: mark.reconciled,
        text: `${named(e)}: was in doubt; the database shows it ${e.verdict}${e.why ? ` (${e.why})` : ''}`,
      };
    case 'notice':
      return { level: 'warn', mark: '!', text: e.message };
    case 'command':
      return {
        level: 'info',
        mark: '$',
        text: `${e.argv.join(' ')} → exit ${e.exitCode ?? e.signal ?? '?'} (${formatDuration(e.durationMs)})`,
      };
    case 'step-progress':
    case 'state':
      return null;
  }
}

/** A reporter that writes progress to the CLI's stderr (nothing when `quiet`) and every line to `log`. */
export function progressReporter(io: CliIO, quiet = false, log?: CommandLog): Reporter {
  let lastProgressAt = 0;
  let progressLineOpen = false;
  const line = (text: string) => {
    if (progressLineOpen) {
      io.err('\n');
      progressLineOpen = false;
    }
    io.err(`${text}\n`);
  };
  return (e: EngineEvent) => {
    const d = describe(e);
    if (d && log)
      log.write(
        d.level,
        `${d.mark ? `${d.mark} ` : ''}${d.text}`,
        e.runId === 'drill' || e.type === 'run' ? undefined : e.runId,
      );
    if (quiet) return;
    if (d && e.type !== 'command') line(e.type === 'run' ? d.text : `  ${d.mark} ${d.text}`);
    // bytes redraw in place on a terminal; off a terminal the step lines are enough
    if (e.type === 'step-progress' && io.interactive && e.bytesTotal !== undefined && e.bytesDone !== undefined) {
      const now = Date.now();
      if (now - lastProgressAt < 100 && e.bytesDone < e.bytesTotal) return;
      lastProgressAt = now;
      const pct = e.bytesTotal === 0 ? 100 : Math.floor((e.bytesDone / e.bytesTotal) * 100);
      io.err(`\r    ${pct}% ${formatBytes(e.bytesDone)} / ${formatBytes(e.bytesTotal)}\x1b[K`);
      progressLineOpen = true;
    }
  };
}
