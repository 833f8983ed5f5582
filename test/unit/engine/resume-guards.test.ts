// Resume refuses what it must: unknown runs, finished runs, and a changed machine
// definition whose stored state no longer exists (OEF-032).
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../../helpers/temp-store.js';
import { machineHash, machines } from '../../../machines/index.js';
import { resumeRun } from '../../../src/engine/engine.js';
import { silentReporter } from '../../../src/engine/reporter.js';
import { OeflowError } from '../../../src/errors.js';
import { type Store } from '../../../src/store/index.js';

const tempStore = useTempStores();

function storeWithRun(state: unknown, status: 'running' | 'completed', hash: string): Store {
  const { store } = tempStore('oeflow-resume-');
  store.createRun({
    runId: 'run-1',
    machineId: 'offline-backup',
    machineHash: hash,
    db: '/db/x',
    kind: 'offline-backup',
    input: { procedure: 'offline-backup', db: '/db/x' },
    host: 'h',
    pid: 1,
  });
  store.recordTransition('run-1', {
    event: { type: 'xstate.init' },
    from: null,
    to: state,
    snapshot: { value: state, status: 'active', context: {} },
  });
  store.setRunStatus('run-1', status, { resumable: status !== 'completed' });
  return store;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    return err instanceof OeflowError ? err.code : String(err);
  }
}

describe('resumeRun', () => {
  const deps = (s: Store) => ({ store: s, dlc: '/nowhere', reporter: silentReporter });

  it('refuses a run whose machine changed and whose state no longer exists', async () => {
    const s = storeWithRun('stateThatWasRemoved', 'running', 'an-older-hash');
    expect(await codeOf(resumeRun(deps(s), { runId: 'run-1' }))).toBe('OEF-032');
  });

  it('refuses a completed run and an unknown run', async () => {
    const s = storeWithRun('completed', 'completed', machineHash(machines['offline-backup']));
    expect(await codeOf(resumeRun(deps(s), { runId: 'run-1' }))).toBe('OEF-031');
    expect(await codeOf(resumeRun(deps(s), { runId: 'run-404' }))).toBe('OEF-030');
    expect(await codeOf(resumeRun(deps(s), { db: '/db/none' }))).toBe('OEF-033');
  });
});
