// The database log writer: `[stamp] P-<pid> T-<tid> I <TAG><usr>: (nnnn) text`.
import { appendFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { logStamp } from './dates.js';
import { logForm, type Msg } from './messages.js';

export type Severity = 'I' | 'W' | 'E' | 'F';

/** Who writes a line: the process-type tag and user number (`BROKER  0`, `RFUTI1312`). */
export interface LogSource {
  tag: string;
  usr: number;
}

/** `BROKER  0` / `SHUT 2146` / `RFUTI1312`: tag and user number share 9 columns. */
export function sourceField(src: LogSource): string {
  const usr = String(src.usr);
  const room = Math.max(0, 9 - usr.length);
  return (src.tag.length > room ? src.tag.slice(0, room) : src.tag.padEnd(room)) + usr;
}

/** One .lg line, without the newline. */
export function logLine(
  src: LogSource,
  m: Msg,
  severity: Severity = 'I',
  when: number = Date.now(),
  pid: number = process.pid,
): string {
  return `${logStamp(when)} P-${pid} T-${pid} ${severity} ${sourceField(src)}: ${logForm(m)}`;
}

/** Append lines to `<db>.lg`; silently skipped when the db directory does not exist. */
export function appendLog(lgPath: string, src: LogSource, msgs: readonly Msg[], severity: Severity = 'I'): void {
  if (msgs.length === 0 || !existsSync(dirname(lgPath))) return;
  const now = Date.now();
  appendFileSync(lgPath, msgs.map((m) => `${logLine(src, m, severity, now)}\n`).join(''));
}
