// Renders engine events as a live step list on stderr: one line per step state
// change; byte progress redraws in place on a terminal and is throttled otherwise.
import { formatBytes } from '../copy/progress.js';
import type { EngineEvent, Reporter } from '../engine/reporter.js';
import type { CliIO } from './io.js';

const mark = { ok: '✔', error: '✖', reconciled: '↻', memo: '≡' } as const;

/** A reporter that writes progress to the CLI's stderr (silent when `quiet`). */
export function progressReporter(io: CliIO, quiet = false): Reporter {
  let lastProgressAt = 0;
  let progressLineOpen = false;
  const line = (text: string) => {
    if (progressLineOpen) { io.err('\n'); progressLineOpen = false; }
    io.err(`${text}\n`);
  };
  return (e: EngineEvent) => {
    if (quiet) return;
    switch (e.type) {
      case 'run': line(`${e.resumed ? 'resuming' : 'run'} ${e.runId} (${e.machineId}) on ${e.db}`); break;
      case 'step-start': line(`  ▶ ${e.kb.padEnd(9)} ${e.title}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`); break;
      case 'step-end': line(`  ${mark[e.outcome]} ${e.stepKey} ${e.outcome}${e.failure ? `: ${e.failure.code} ${e.failure.message}` : ''} (${e.durationMs} ms)`); break;
      case 'reconcile': line(`  ↻ ${e.stepKey} was in doubt: ${e.verdict}${e.why ? ` (${e.why})` : ''}`); break;
      case 'notice': line(`  ! ${e.message}`); break;
      case 'step-progress': {
        if (e.bytesTotal === undefined || e.bytesDone === undefined) break;
        const now = Date.now();
        if (now - lastProgressAt < (io.interactive ? 100 : 2000) && e.bytesDone < e.bytesTotal) break;
        lastProgressAt = now;
        const pct = e.bytesTotal === 0 ? 100 : Math.floor((e.bytesDone / e.bytesTotal) * 100);
        const text = `    ${pct}% ${formatBytes(e.bytesDone)} / ${formatBytes(e.bytesTotal)}`;
        if (io.interactive) { io.err(`\r${text}\x1b[K`); progressLineOpen = true; } else io.err(`${text}\n`);
        break;
      }
      case 'state': break;
    }
  };
}
