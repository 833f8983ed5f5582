import { describe, expect, it } from 'vitest';
import { offlineBackupMachine } from '../../machines/offline-backup.js';
import { runHappy, sharedBehaviour } from './common.js';
import { edges, pathStates, simplePaths } from './graph.js';

const input = { procedure: 'offline-backup' as const, db: '/db/sports', destination: '/backup' };
const paths = simplePaths(offlineBackupMachine, input);

describe('offlineBackupMachine', () => {
  sharedBehaviour(offlineBackupMachine, 'offline-backup.ts', input);

  it('runs OFFLINE-1..7 in the article order when every step succeeds', async () => {
    const run = await runHappy(offlineBackupMachine, input);
    expect(run.value).toBe('completed');
    expect(run.keys).toEqual([
      'preflight',
      'shutdown',
      'truncateBi',
      'jobsCheck',
      'verifyNotInUseBefore',
      'aiSwitch',
      'copyFiles',
      'verifyNotInUseAfter',
      'verifyCopy',
      'markBackedup',
      'restart',
      'recordBackup',
    ]);
    expect(run.stepIds.filter((s) => s === 'verifyNotInUse')).toHaveLength(2);
    expect(run.context.facts.aiSwitch).toEqual({ ran: 'aiSwitch' });
  });

  it('skips the restart when input.restart is false', async () => {
    const run = await runHappy(offlineBackupMachine, { ...input, restart: false });
    expect(run.keys).not.toContain('restart');
    expect(run.keys.slice(-2)).toEqual(['markBackedup', 'recordBackup']);
  });

  it('brackets every copy with the not-in-use checks when any path is followed', () => {
    let copies = 0;
    for (const path of paths) {
      const states = pathStates(path);
      states.forEach((state, i) => {
        if (state !== 'copyFiles') return;
        copies++;
        // the latest check before the copy, with no abort/resume in between
        const before = states.lastIndexOf('verifyNotInUseBefore', i);
        expect(before).toBeGreaterThanOrEqual(0);
        expect(states.slice(before, i)).not.toContain('aborted');
        const mark = states.indexOf('markBackedup', i);
        if (mark >= 0) expect(states.slice(i, mark)).toContain('verifyNotInUseAfter');
      });
    }
    expect(copies).toBeGreaterThan(3);
  });

  it('rests in aborted from every step, restarting the server first after the shutdown, and RESUME starts at preflight', () => {
    const all = edges(offlineBackupMachine, input);
    const abortFrom = (to: string) => new Set(all.filter((e) => e.event === 'ABORT' && e.to === to).map((e) => e.from));
    expect([...abortFrom('aborted')].sort()).toEqual(['preflight', 'recordBackup']);
    // shutdown … restart, and the awaiting-decision states of shutdown, aiSwitch and restart: the operator chose restart
    expect(abortFrom('restartAfterAbort').size).toBe(13);
    expect(all.filter((e) => e.from === 'restartAfterAbort' && e.to === 'aborted')).toHaveLength(1);
    const leftDown = edges(offlineBackupMachine, { ...input, restart: false }).filter(
      (e) => e.event === 'ABORT' && e.to === 'aborted',
    );
    // --no-restart: left shut down (no restart state); shutdown and aiSwitch also from their awaiting-decision states
    expect(new Set(leftDown.map((e) => e.from)).size).toBe(13);
    expect(all.filter((e) => e.from === 'aborted').map((e) => `${e.event}->${e.to}`)).toEqual(['RESUME->preflight']);
    expect(offlineBackupMachine.root.states.aborted!.meta).toEqual({ kb: 'ABORT', status: 'aborted' });
  });

  it('goes to failed with the step failure when a step errors', () => {
    const failed = paths.filter((p) => p.state.value === 'failed');
    expect(failed.length).toBeGreaterThan(10);
    for (const p of failed)
      expect((p.state.context as { failure: { code: string } | null }).failure?.code).toBe('OEF-050');
  });
});
