// pathAfterFailure walks a machine with one step failing (src/plan/main-path.ts): the states a
// failure leads to come from the machine itself, which the compensation crash tests rely on.
import { describe, expect, it } from 'vitest';
import { machines } from '../../../machines/index.js';
import { mainPath, pathAfterFailure } from '../../../src/plan/main-path.js';

const online = { procedure: 'online-backup', db: '/db/s', destination: '/bk', copyMethod: 'copy' } as const;
const offline = { procedure: 'offline-backup', db: '/db/s', destination: '/bk' } as const;
const keys = (path: { stepKey: string }[]) => path.map((s) => s.stepKey);

describe('pathAfterFailure', () => {
  it('follows a failure under the quiet point into the disable that undoes it, then ends', () => {
    const main = keys(mainPath(machines['online-backup'], online, { copyMethod: 'copy' }));
    const failed = keys(pathAfterFailure(machines['online-backup'], online, { copyMethod: 'copy' }, 'copyFiles'));
    const at = main.indexOf('copyFiles');
    expect(failed.slice(0, at + 1)).toEqual(main.slice(0, at + 1));
    expect(failed.slice(at + 1)).toEqual(['quietDisableAfterFailure']);
  });

  it('restarts the server a failed offline step shut down, and stops at once when nothing is held', () => {
    const machine = machines['offline-backup'];
    expect(keys(pathAfterFailure(machine, offline, { busy: 'in-use' }, 'markBackedup')).slice(-2)).toEqual([
      'markBackedup',
      'restartAfterFailure',
    ]);
    expect(keys(pathAfterFailure(machine, offline, { busy: 'in-use' }, 'preflight'))).toEqual(['preflight']);
  });

  it('is the main path when the failing step is never visited', () => {
    const machine = machines['online-backup'];
    expect(pathAfterFailure(machine, online, {}, 'noSuchStep')).toEqual(mainPath(machine, online, {}));
  });
});
