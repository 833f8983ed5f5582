// The human rendering of a run result: what ran where, how it ended at which step (plain words
// and article id, never the final state's name), the figures, and the next command that applies.
import { describe, expect, it } from 'vitest';
import { renderRun, renderRunProblem, runResult, type RunResult } from '../../../src/cli/run-result.js';

const base: RunResult = { runId: 'r-1', status: 'completed', state: 'completed', resumable: false };

describe('renderRun', () => {
  it('asks for oeflow resolve before oeflow resume when the run needs a decision', () => {
    const text = renderRunProblem({
      ...base,
      status: 'needs-decision',
      state: 'aiSwitch',
      resumable: true,
      error: { code: 'OEF-051', message: 'in doubt', hint: 'decide' },
    })!;
    const lines = text.split('\n');
    const resolveAt = lines.findIndex((l) => l.includes('oeflow resolve r-1 --as done|not-done --reason'));
    const resumeAt = lines.findIndex((l) => l.includes('oeflow resume r-1'));
    expect(resolveAt).toBeGreaterThan(0);
    expect(resumeAt).toBeGreaterThan(resolveAt);
    expect(text).not.toMatch(/^ *resume with:/m);
  });

  it('offers oeflow resume for an aborted run', () => {
    expect(renderRunProblem({ ...base, status: 'aborted', state: 'aborted', resumable: true })).toContain(
      'resume with: oeflow resume r-1',
    );
  });

  it('says nothing on stderr for a completed run', () => {
    expect(renderRunProblem(base)).toBeNull();
    expect(renderRun(base)).toBe('run r-1: COMPLETED');
  });

  it('names the failed step in plain words beside its article id, never "failed in failed", with the real run id in the hint', () => {
    const r = runResult(
      {
        runId: 'run-9',
        status: 'failed',
        resumable: false,
        state: 'failed',
        failure: { kind: 'failed', code: 'OEF-050', message: 'rfutil -C aimage new exited 1' },
        facts: {},
      },
      {
        procedure: 'offline-backup',
        db: '/db/sports',
        step: { kb: 'OFFLINE-4', title: 'Switch to a new AI extent', stepKey: 'aiSwitch' },
        durationMs: 27_000,
      },
    );
    expect(renderRun(r).split('\n')[0]).toBe(
      'offline backup of /db/sports: FAILED at Switch to a new AI extent (OFFLINE-4) after 27.0 s (run run-9)',
    );
    expect(renderRunProblem(r)).toBe(
      [
        'oeflow: run run-9 FAILED at Switch to a new AI extent (OFFLINE-4): OEF-050 rfutil -C aimage new exited 1',
        '  next: See `oeflow show run-9` for the command output; fix the cause, then run the procedure again.',
      ].join('\n'),
    );
    expect(renderRun(r) + renderRunProblem(r)).not.toMatch(/failed in failed|<run-id>|aiSwitch/);
  });

  it('ends a completed backup with its size, duration, quiet-point time and the next step', () => {
    const r = {
      ...runResult(
        {
          runId: 'run-3',
          status: 'completed',
          resumable: false,
          state: 'completed',
          failure: null,
          facts: { copyFiles: { bytesCopied: 3 * 1024 * 1024, files: 9 } },
        },
        { procedure: 'online-backup', db: '/db/sports', backupId: 'bk-3', durationMs: 14_700 },
      ),
      quietWindowMs: 2100,
      copyMethod: 'copy',
    };
    expect(renderRun(r, { next: 'keep the AI files' }).split('\n')).toEqual([
      'online backup of /db/sports: COMPLETED in 14.7 s (run run-3)',
      '  backup       bk-3',
      '  size         3.0 MiB, 9 files',
      '  duration     14.7 s',
      '  quiet point  held 2.1 s (copy method: copy)',
      'next: keep the AI files',
    ]);
  });
});
