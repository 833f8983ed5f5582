// The human rendering of a run result names the next command that actually applies.
import { describe, expect, it } from 'vitest';
import { renderRun, type RunResult } from '../../../src/cli/run-result.js';

const base: RunResult = { runId: 'r-1', status: 'completed', state: 'completed', resumable: false };

describe('renderRun', () => {
  it('asks for oeflow resolve before oeflow resume when the run needs a decision', () => {
    const text = renderRun({ ...base, status: 'needs-decision', state: 'aiSwitch', resumable: true, error: { code: 'OEF-051', message: 'in doubt', hint: 'decide' } });
    const lines = text.split('\n');
    const resolveAt = lines.findIndex((l) => l.includes('oeflow resolve r-1 --as done|not-done --reason'));
    const resumeAt = lines.findIndex((l) => l.includes('oeflow resume r-1'));
    expect(resolveAt).toBeGreaterThan(0);
    expect(resumeAt).toBeGreaterThan(resolveAt);
    expect(text).not.toMatch(/^resume with:/m);
  });

  it('offers oeflow resume for an aborted run', () => {
    expect(renderRun({ ...base, status: 'aborted', state: 'copyFiles', resumable: true })).toContain('resume with: oeflow resume r-1');
  });

  it('offers no next command for a completed run', () => {
    expect(renderRun(base)).toBe('run r-1: completed');
  });
});
