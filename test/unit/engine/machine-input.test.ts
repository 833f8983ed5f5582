// The roll-forward machine gets the count of AI files, not the list (run-driver.ts): its
// snapshot is persisted after every transition and must not grow with the number of files.
import { describe, expect, it } from 'vitest';
import { machineInput } from '../../../src/engine/run-driver.js';
import { rollForwardMachine } from '../../../machines/roll-forward.js';
import { runHappy } from '../../machines/common.js';

describe('machineInput', () => {
  it('replaces the AI file list by its count and leaves other inputs as they are', () => {
    const input = {
      procedure: 'roll-forward' as const,
      db: '/r/sports',
      aiFiles: ['/a/1', '/a/2', '/a/3'],
      replication: null,
    };
    expect(machineInput(input)).toEqual({
      procedure: 'roll-forward',
      db: '/r/sports',
      aiFileCount: 3,
      replication: null,
    });
    const backup = { procedure: 'online-backup' as const, db: '/db/sports', destination: '/bk' };
    expect(machineInput(backup)).toBe(backup);
  });

  it('rolls forward every file of the count, and its snapshot holds no path, when given only the count', async () => {
    const run = await runHappy(
      rollForwardMachine,
      machineInput({
        procedure: 'roll-forward',
        db: '/r/sports',
        aiFiles: ['/a/1', '/a/2', '/a/3'],
        replication: null,
      }),
    );
    expect(run.keys.filter((k) => k.startsWith('rollForward#'))).toEqual([
      'rollForward#0',
      'rollForward#1',
      'rollForward#2',
    ]);
    expect(run.value).toBe('completed');
    expect(JSON.stringify(run.context)).not.toContain('/a/');
  });
});
