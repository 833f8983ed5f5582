// Parser for the database log (`<db>.lg`, docs/openedge.md §0 line format) and the roll-forward
// progress it shows: which AI files began (17047), completed, or failed.
import { ROLL_FORWARD_FAILURES, Msg } from './messages.js';
import type { RollForwardLogState } from './types.js';

/** One `.lg` line: `[2016/05/12@14:03:52.486+0400] P-1 T-1 I RFUTI1312: (17047) text`. */
export interface LgEntry {
  /** ISO-8601 with the log's own offset, e.g. `2016-05-12T14:03:52.486+04:00`. */
  at: string;
  epochMs: number;
  pid: number;
  thread: number;
  severity: string;
  tag: string;
  /** null for unnumbered `(-----)` lines. */
  number: number | null;
  text: string;
}

const LINE =
  /^\[(\d{4})\/(\d{2})\/(\d{2})@(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?([+-]\d{2}):?(\d{2})\]\s+P-(\d+)\s+T-(\d+)\s+(\S)\s+(.*?):\s+\((\d+|-+)\)\s?(.*)$/;

/**
 * Roll-forward completion markers: 1634 ("notes were processed") in the file's trailer,
 * and 90015, the simulator's documented "Completed roll forward" line (the real
 * completion message is unknown, docs/openedge.md §11.2).
 */
export const ROLL_FORWARD_COMPLETIONS: readonly number[] = [Msg.notesProcessed, 90015];

/** The parseable lines of `lgText`, in order; other lines are skipped. */
export function parseLg(lgText: string): LgEntry[] {
  const out: LgEntry[] = [];
  for (const line of lgText.split(/\r?\n/)) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [
      ,
      y,
      mo,
      d,
      h,
      mi,
      s,
      ms = '0',
      oh = '+00',
      om = '00',
      pid,
      thread,
      sev = '',
      tag = '',
      num = '',
      text = '',
    ] = m;
    const at = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms.padEnd(3, '0')}${oh}:${om}`;
    out.push({
      at,
      epochMs: Date.parse(at),
      pid: Number(pid),
      thread: Number(thread),
      severity: sev,
      tag: tag.trim(),
      number: /^\d+$/.test(num) ? Number(num) : null,
      text: text.trim(),
    });
  }
  return out;
}

/**
 * Roll-forward progress from log text. A file begun (17047) is completed when the same
 * process logs a completion marker before its next 17047 and no failure: one of the
 * roll-forward failure messages, or any numbered line of severity E/F (tolerant of numbers
 * not in docs/openedge.md). `since` (any Date-parseable time) drops earlier lines.
 */
export function rollForwardLogState(lgText: string, since?: string): RollForwardLogState {
  const sinceMs = since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(since);
  const files: RollForwardLogState['files'] = [];
  const openByPid = new Map<number, RollForwardLogState['files'][number]>();
  for (const e of parseLg(lgText)) {
    if (e.epochMs < sinceMs || e.number === null) continue;
    if (e.number === Msg.beginningProcessing) {
      const file = { path: extentPath(e.text), begunAt: e.at, completed: false, failedWith: [] as number[] };
      files.push(file);
      openByPid.set(e.pid, file);
      continue;
    }
    const file = openByPid.get(e.pid);
    if (!file) continue;
    const failure = ROLL_FORWARD_FAILURES.includes(e.number) || e.severity === 'E' || e.severity === 'F';
    if (ROLL_FORWARD_COMPLETIONS.includes(e.number)) file.completed = true;
    else if (failure && !file.failedWith.includes(e.number)) file.failedWith.push(e.number);
  }
  for (const f of files) if (f.failedWith.length > 0) f.completed = false;
  const last = files.at(-1);
  return { files, lastIncomplete: last !== undefined && !last.completed && last.failedWith.length === 0 };
}

// `***Beginning processing of After-image extent /db/x.a1` → `/db/x.a1`.
function extentPath(text: string): string {
  const m = /extent\s+(.+?)\.?\s*$/i.exec(text);
  return (m?.[1] ?? text).trim();
}
