// `$DLC/invocations.jsonl`: one start line and one end line per utility call, so tests
// and the engine can count what really ran; a `hung` line when a hang fault holds the call at
// its gate (the database opened, nothing changed yet): a test kills it there, not half-started.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InvocationLine {
  phase: 'start' | 'hung' | 'end';
  time: string;
  argv: string[];
  cwd: string;
  pid: number;
  exitCode?: number | null;
  signal?: string | null;
}

const file = (dlc: string): string => join(dlc, 'invocations.jsonl');

/** Append one line (best effort: a read-only DLC must not break the utility). */
export function logInvocation(dlc: string, line: Omit<InvocationLine, 'time' | 'cwd' | 'pid'>): void {
  const full: InvocationLine = { time: new Date().toISOString(), cwd: process.cwd(), pid: process.pid, ...line };
  try {
    appendFileSync(file(dlc), `${JSON.stringify(full)}\n`);
  } catch {
    // the invocation log is evidence, not a reason to fail the utility
  }
}

/** Every line of the log. */
export function readInvocations(dlc: string): InvocationLine[] {
  try {
    return readFileSync(file(dlc), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as InvocationLine);
  } catch {
    return [];
  }
}
