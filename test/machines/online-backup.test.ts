import { describe, expect, it } from 'vitest';
import { onlineBackupMachine } from '../../machines/online-backup.js';
import type { ProcedureContext } from '../../machines/contract.js';
import { runHappy, sharedBehaviour } from './common.js';
import { pathStates, simplePaths } from './graph.js';

const input = { procedure: 'online-backup' as const, db: '/db/sports', destination: '/backup', snapshotCmd: 'snap.sh' };
const paths = simplePaths(onlineBackupMachine, input);
const isDisable = (s: string): boolean => s.startsWith('quietDisable');

describe('onlineBackupMachine', () => {
  sharedBehaviour(onlineBackupMachine, 'online-backup.ts', input);

  it('runs ONLINE-1..4 in the article order when every step succeeds', async () => {
    const run = await runHappy(onlineBackupMachine, input);
    expect(run.value).toBe('completed');
    expect(run.keys).toEqual([
      'preflight',
      'prepareCopy',
      'quietEnable',
      'snapshot',
      'copyFiles',
      'quietDisable',
      'confirmQuietPoint',
      'verifyCopy',
      'recordBackup',
    ]);
  });

  it('goes straight to the copy when no snapshot command is given', async () => {
    const run = await runHappy(onlineBackupMachine, {
      procedure: 'online-backup',
      db: '/db/sports',
      destination: '/backup',
    });
    expect(run.keys).toEqual([
      'preflight',
      'prepareCopy',
      'quietEnable',
      'copyFiles',
      'quietDisable',
      'confirmQuietPoint',
      'verifyCopy',
      'recordBackup',
    ]);
  });

  it('clones under the quiet point and transfers the clone after the disable when prepareCopy chose clone', async () => {
    const run = await runHappy(
      onlineBackupMachine,
      { procedure: 'online-backup', db: '/db/sports', destination: '/backup' },
      (key): Record<string, string> => (key === 'prepareCopy' ? { copyMethod: 'clone' } : {}),
    );
    expect(run.value).toBe('completed');
    expect(run.keys).toEqual([
      'preflight',
      'prepareCopy',
      'quietEnable',
      'cloneFiles',
      'quietDisable',
      'confirmQuietPoint',
      'transferClone',
      'verifyCopy',
      'recordBackup',
    ]);
  });

  it('passes a quietDisable state before it ends when any path raised the quiet point', () => {
    let checked = 0;
    for (const path of paths) {
      const states = pathStates(path);
      const enabled = states.indexOf('quietEnable');
      const end = states.findIndex((s, i) => i > enabled && ['completed', 'failed', 'aborted'].includes(s));
      if (enabled < 0 || end < 0) continue;
      // an enable refused by an invariant (precheck, someone else's quiet point) raised nothing of ours
      const leaving = path.steps[enabled + 1]?.event as { type: string; error?: { kind?: string } } | undefined;
      if (leaving?.type.startsWith('xstate.error') && leaving.error?.kind === 'invariant') {
        expect(states[enabled + 1]).toBe('failed');
        continue;
      }
      checked++;
      expect({ states, disabled: states.slice(enabled, end).some(isDisable) }).toEqual({ states, disabled: true });
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('fails with OEF-060 after releasing the quiet point when the watchdog fires', () => {
    const timedOut = paths.filter(
      (p) => pathStates(p).includes('quietDisableAfterTimeout') && p.state.value === 'failed',
    );
    expect(timedOut.length).toBeGreaterThan(0);
    for (const p of timedOut)
      expect((p.state.context as ProcedureContext).failure).toEqual({
        kind: 'failed',
        code: 'OEF-060',
        message: 'too long',
      });
  });

  it('keeps the first failure and records the compensation failure when the disable fails too', () => {
    const both = paths.find((p) => {
      const s = pathStates(p);
      return (
        s.at(-2) === 'quietDisableAfterFailure' &&
        s.at(-1) === 'failed' &&
        p.steps.at(-1)!.event.type.startsWith('xstate.error')
      );
    });
    expect(both).toBeDefined();
    const ctx = both!.state.context as ProcedureContext;
    expect(ctx.failure).not.toBeNull();
    expect(ctx.compensationFailure).toMatchObject({ code: 'OEF-050' });
  });

  it('ignores ABORT when a disable state is running', () => {
    const disableStates = [
      'quietDisable',
      'quietDisableAfterFailure',
      'quietDisableAfterAbort',
      'quietDisableAfterTimeout',
    ];
    for (const state of disableStates) {
      const node = onlineBackupMachine.root.states[state]!;
      expect({ state, abort: node.on.ABORT }).toEqual({ state, abort: undefined });
    }
    expect(onlineBackupMachine.root.states.verifyCopy!.on.ABORT).toBeDefined();
  });
});
