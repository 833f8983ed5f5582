// Which database's parameters a resumed run takes: a restore's source (its copy is encrypted
// alike), found through the backup it restores; any other run its own database.
import { describe, expect, it } from 'vitest';
import { paramsDbOfRun } from '../../../src/cli/utility-params.js';
import { sampleRun, tempStore } from '../store/helpers.js';

describe('paramsDbOfRun', () => {
  it("is the backup's database for a restore, the run's own otherwise, undefined for no run", () => {
    const t = tempStore();
    const { store } = t;
    try {
      store.createRun(sampleRun);
      store.addBackup({
        backupId: 'bk-1',
        db: '/db/sports',
        kind: 'online',
        destination: '/backup/1',
        pairedAiSeq: 3,
        startedAt: '2025-01-01T00:00:00.000Z',
      });
      store.createRun({
        ...sampleRun,
        runId: 'run-2',
        machineId: 'roll-forward',
        db: '/restore/sports',
        kind: 'restore',
        input: { procedure: 'roll-forward', db: '/restore/sports', backupDir: '/backup/1' },
      });
      expect(paramsDbOfRun(store, { runId: 'run-1' })).toBe('/db/sports');
      expect(paramsDbOfRun(store, { runId: 'run-2' })).toBe('/db/sports');
      expect(paramsDbOfRun(store, { runId: 'run-9' })).toBeUndefined();
      expect(paramsDbOfRun(store, { db: '/db/none' })).toBe('/db/none');
    } finally {
      t.cleanup();
    }
  });
});
