// The log file (`--log-file`, `log-file` in the configuration): one line per command, step and
// utility command, each with a local timestamp and a level, filtered by `--log-level`.
// Opened in append mode and written one line per write(2), so concurrent runs (cron and a DBA
// at the terminal) interleave whole lines. A log that cannot be written is reported once on
// stderr and never fails the command; run commands journal it on the run (docs/operations.md).
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/index.js';
import { localIsoTime } from './local-time.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CommandLog {
  readonly file: string;
  /** Append one line (when `level` passes the threshold); never throws. */
  write(level: LogLevel, text: string, runId?: string): void;
  /** The first write or open error, if any (journaled on the run by run commands). */
  readonly problem: string | undefined;
  close(): void;
}

/** Open `file` for appending; `warn` hears of the first failure (open or write). */
export function openCommandLog(file: string, level: LogLevel, warn: (message: string) => void): CommandLog {
  const path = resolve(file);
  const threshold = LOG_LEVELS.indexOf(level);
  let problem: string | undefined;
  let fd: number | undefined;
  const failed = (err: unknown) => {
    if (problem !== undefined) return;
    problem = `${path}: ${err instanceof Error ? err.message : String(err)}`;
    warn(`oeflow: warning: cannot write the log file ${problem} (the command goes on without it)\n`);
  };
  try {
    fd = openSync(path, 'a', 0o640);
  } catch (err) {
    failed(err);
  }
  return {
    file: path,
    get problem() {
      return problem;
    },
    write(lvl, text, runId) {
      if (fd === undefined || LOG_LEVELS.indexOf(lvl) > threshold) return;
      // one line, one write: a newline inside a message would split it between writers
      const line = `${localIsoTime()} ${lvl.toUpperCase().padEnd(5)} oeflow[${process.pid}]${runId ? ` ${runId}` : ''} ${text.replace(/\s*\n\s*/g, ' | ')}\n`;
      try {
        writeSync(fd, line);
      } catch (err) {
        failed(err);
        try {
          closeSync(fd);
        } catch {
          /* already failing */
        }
        fd = undefined;
      }
    },
    close() {
      if (fd === undefined) return;
      try {
        closeSync(fd);
      } catch {
        /* nothing left to log to */
      }
      fd = undefined;
    },
  };
}

/** A log file that failed during a run is journaled on the run (a note), so `show` and the evidence say the log has a gap. */
export function journalLogProblem(log: CommandLog | undefined, store: Store, runId: string): void {
  if (log?.problem === undefined || !store.getRun(runId)) return;
  try {
    store.appendJournal(runId, { kind: 'note', data: { logFile: { file: log.file, error: log.problem } } });
  } catch {
    /* the result is printed anyway */
  }
}
