// The world check before a resume under a quiet point (src/engine/world-check.ts): a log that
// still reads "held" is not trusted once the host restarted after the enable, because an OS
// crash ends the broker without a line; a disable whose rows and log line the crash lost may
// have let production writes resume (docs/architecture.md §5.9).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../../helpers/temp-store.js';
import { machineHash, definitionRegistry } from '../../../machines/index.js';
import { onlineBackupMachine } from '../../../machines/online-backup.js';
import { checkWorld } from '../../../src/engine/world-check.js';
import { hostBootedAtMs } from '../../../src/host-boot.js';
import { type Store } from '../../../src/store/index.js';

const tempStore = useTempStores();

/** `.lg` time stamp of an epoch ms, in UTC. */
function lgTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-01T10:00:01.000Z
  return `${iso.slice(0, 10).replaceAll('-', '/')}@${iso.slice(11, 23)}+0000`;
}

/** An online backup resting in quiesced.copyFiles, its quiet point asked for at `askedAt` and logged as enabled a second later. */
function runUnderQuietPoint(askedAt: number): { s: Store; enabledAt: number } {
  const { dir, store: s } = tempStore('oeflow-world-check-');
  const db = join(dir, 'sports');
  s.createRun({
    runId: 'run-1',
    machineId: 'online-backup',
    machineHash: machineHash(onlineBackupMachine),
    db,
    kind: 'online-backup',
    input: { procedure: 'online-backup', db, destination: join(dir, 'backup') },
    host: 'h',
    pid: 1,
  });
  s.recordIntent('run-1', {
    stepKey: 'quietEnable',
    stepId: 'quietEnable',
    attempt: 1,
    data: { at: new Date(askedAt).toISOString(), probe: { busySeq: 3 }, effect: 'once' },
  });
  s.recordTransition('run-1', {
    event: { type: 'xstate.done.actor.quietEnable' },
    from: 'quietEnable',
    to: { quiesced: 'copyFiles' },
    snapshot: { value: { quiesced: 'copyFiles' }, status: 'active', context: {} },
  });
  const enabledAt = askedAt + 1000;
  writeFileSync(
    `${db}.lg`,
    `[${lgTime(enabledAt)}] P-7 T-7 I QUIET   5: (5583) Quiet point has been enabled by the broker.\n`,
  );
  return { s, enabledAt };
}

describe('the world check under a quiet point', () => {
  it('trusts a held quiet point when the host has run since before it was enabled', () => {
    const askedAt = Date.now() - 60_000;
    const { s } = runUnderQuietPoint(askedAt);
    const check = checkWorld(s, s.getRun('run-1')!, definitionRegistry, askedAt - 3_600_000);
    expect(check).toMatchObject({ changed: null, found: { quietPoint: { state: 'held' } } });
  });

  it('starts over when the host restarted after the quiet point was enabled, though the log still reads held', () => {
    const askedAt = Date.now() - 60_000;
    const { s, enabledAt } = runUnderQuietPoint(askedAt);
    const check = checkWorld(s, s.getRun('run-1')!, definitionRegistry, enabledAt + 5_000);
    expect(check?.found).toMatchObject({ quietPoint: { state: 'held' } });
    expect(check?.changed).toMatch(/the host restarted .* after the run's quiet point was enabled/);
  });

  it("reads this host's boot time", () => {
    const booted = hostBootedAtMs();
    expect(booted).toBeLessThan(Date.now());
    expect(booted).toBeGreaterThan(Date.parse('2000-01-01'));
  });
});
