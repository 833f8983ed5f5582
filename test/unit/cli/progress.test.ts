// Progress for people: one line per step event, in plain words beside the article id; nothing
// redraws off a terminal; skipped steps say skipped; --quiet says nothing; the log gets it all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/reporter.js';
import { openCommandLog } from '../../../src/cli/command-log.js';
import { progressReporter } from '../../../src/cli/progress.js';

function capture(interactive: boolean) {
  const err: string[] = [];
  return { io: { out: () => undefined, err: (t: string) => void err.push(t), interactive }, text: () => err.join('') };
}

const runId = 'run-1';
const step = { runId, stepKey: 'jobsCheck', title: 'Check that no scheduled job is running', kb: 'OFFLINE-3' };
const events: EngineEvent[] = [
  { type: 'run', runId, machineId: 'offline-backup', db: '/db/sports', resumed: false },
  { type: 'step-start', ...step, stepId: 'jobsCheck', attempt: 1 },
  { type: 'step-end', ...step, outcome: 'ok', durationMs: 3, skipped: 'no --jobs-check command configured' },
  {
    type: 'step-start',
    runId,
    stepKey: 'copyFiles',
    stepId: 'copyFiles',
    title: 'Copy the database files',
    kb: 'OFFLINE-5',
    attempt: 1,
  },
  ...[10, 20, 30, 40].map((n): EngineEvent => ({
    type: 'step-progress',
    runId,
    stepKey: 'copyFiles',
    bytesDone: n,
    bytesTotal: 40,
  })),
  {
    type: 'command',
    runId,
    stepKey: 'copyFiles',
    argv: ['proutil', '/db/sports', '-C', 'busy'],
    exitCode: 0,
    signal: null,
    durationMs: 40,
  },
  {
    type: 'step-end',
    runId,
    stepKey: 'copyFiles',
    title: 'Copy the database files',
    kb: 'OFFLINE-5',
    outcome: 'ok',
    durationMs: 2500,
  },
  {
    type: 'step-end',
    runId,
    stepKey: 'rollForward#1',
    title: 'Roll forward an AI file',
    kb: 'RF-5',
    outcome: 'error',
    durationMs: 90,
    failure: { kind: 'failed', code: 'OEF-053', message: 'rfutil exited 2' },
  },
];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('progressReporter', () => {
  it('prints one line per step event off a terminal, skipped steps as skipped, no byte redraws and no internal step keys', () => {
    const c = capture(false);
    const report = progressReporter(c.io);
    events.forEach(report);
    expect(c.text().split('\n')).toEqual([
      'run run-1: offline backup of /db/sports',
      '  ▶ OFFLINE-3  Check that no scheduled job is running: started',
      '  – OFFLINE-3  Check that no scheduled job is running: skipped (no --jobs-check command configured)',
      '  ▶ OFFLINE-5  Copy the database files: started',
      '  ✔ OFFLINE-5  Copy the database files: done in 2.5 s',
      '  ✖ RF-5       Roll forward an AI file, AI file 2: failed after 90 ms: OEF-053 rfutil exited 2',
      '',
    ]);
    expect(c.text()).not.toMatch(/jobsCheck|rollForward#|\r/);
  });

  it('redraws byte progress in place on a terminal', () => {
    const c = capture(true);
    events.forEach(progressReporter(c.io));
    expect(c.text()).toContain('\r    100% 40 B / 40 B');
  });

  it('prints nothing when quiet, and still writes the log file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oeflow-progress-'));
    dirs.push(dir);
    const c = capture(false);
    const log = openCommandLog(join(dir, 'oeflow.log'), 'info', c.io.err);
    events.forEach(progressReporter(c.io, true, log));
    log.close();
    expect(c.text()).toBe('');
    const lines = readFileSync(join(dir, 'oeflow.log'), 'utf8').trimEnd().split('\n');
    // info: the run, the skipped step, the command, the copy; error: the failure; the starts are debug
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['INFO', 'INFO', 'INFO', 'INFO', 'ERROR']);
    expect(lines[2]).toMatch(/ run-1 \$ proutil \/db\/sports -C busy → exit 0 \(40 ms\)$/);
  });
});
