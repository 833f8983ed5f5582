import { describe, expect, it } from 'vitest';
import * as A from '../../../src/openedge/argv.js';

describe('argv builders', () => {
  it('builds a retry roll forward with endtime when both are asked for', () => {
    expect(A.rollForwardArgv('/db/x', '/ai/x.a2', { retry: true, endtime: '2024:05:01:17:10:00' })).toEqual([
      '/db/x',
      '-C',
      'roll',
      'forward',
      'retry',
      'endtime',
      '2024:05:01:17:10:00',
      '-a',
      '/ai/x.a2',
    ]);
  });

  it('builds a plain roll forward when no option is given', () => {
    expect(A.rollForwardArgv('/db/x', '/ai/x.a2')).toEqual(['/db/x', '-C', 'roll', 'forward', '-a', '/ai/x.a2']);
  });

  it('builds each utility call in the documented syntax when called', () => {
    expect(A.proshutArgv('/db/x', 'by')).toEqual(['/db/x', '-by']);
    expect(A.proshutArgv('/db/x', 'byF')).toEqual(['/db/x', '-byF']);
    expect(A.proserveArgv('/db/x', ['-S', '20000'])).toEqual(['/db/x', '-S', '20000']);
    expect(A.busyArgv('/db/x')).toEqual(['/db/x', '-C', 'busy']);
    expect(A.holderArgv('/db/x')).toEqual(['/db/x', '-C', 'holder']);
    expect(A.truncateBiArgv('/db/x')).toEqual(['/db/x', '-C', 'truncate', 'bi']);
    expect(A.describeArgv('/db/x')).toEqual(['/db/x', '-C', 'describe']);
    expect(A.disableSiteReplicationArgv('/db/x', 'target')).toEqual([
      '/db/x',
      '-C',
      'disablesitereplication',
      'target',
    ]);
    expect(A.aimageListArgv('/db/x')).toEqual(['/db/x', '-C', 'aimage', 'list']);
    expect(A.aimageNewArgv('/db/x')).toEqual(['/db/x', '-C', 'aimage', 'new']);
    expect(A.aimageScanArgv('/db/x', '/ai/f')).toEqual(['/db/x', '-C', 'aimage', 'scan', '-a', '/ai/f']);
    expect(A.markBackedupArgv('/db/x')).toEqual(['/db/x', '-C', 'mark', 'backedup']);
    expect(A.sequenceArgv('/db/x')).toEqual(['/db/x', '-C', 'sequence']);
    expect(A.quietEnableArgv('/db/x')).toEqual(['/db/x', 'enable']);
    expect(A.quietDisableArgv('/db/x')).toEqual(['/db/x', 'disable']);
    expect(A.prostrctListArgv('/db/x')).toEqual(['list', '/db/x']);
    expect(A.prostrctListArgv('/db/x', '/tmp/x.st')).toEqual(['list', '/db/x', '/tmp/x.st']);
    expect(A.prostrctRepairArgv('/db/x', '/db/x.st')).toEqual(['repair', '/db/x', '/db/x.st']);
  });
});
