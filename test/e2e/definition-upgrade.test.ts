// Versioned definitions: an upgrade that edits a machine leaves the runs made before it
// PROVEN (verify replays each with the definition it ran under, found by hash), and resume
// continues such a run on its own definition; an oeflow that lacks the definition refuses
// with OEF-032 and names the version that shipped it. The "upgrade" is a registry whose
// current offline-backup is an edited copy (copyFiles renamed), with today's definition
// archived, as machines/versions/archive.ts would hold it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import { machineHash, machines, type DefinitionRegistry } from '../../machines/index.js';
import { verifyRun } from '../../src/audit/verify.js';
import { resumeRun } from '../../src/engine/engine.js';
import { silentReporter } from '../../src/engine/reporter.js';
import { stateName } from '../../src/engine/run-status.js';
import { OeflowError } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';
import { killAt } from '../helpers/crash.js';
import { useSim } from '../helpers/sim.js';

const newSim = useSim();

/** Rename every occurrence of a state key and of targets naming it, keeping functions as they are. */
function renameState(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameState(v, from, to));
  if (value === null || typeof value !== 'object') return value === from ? to : value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k === from ? to : k,
      k === 'id' || k === 'src' ? v : renameState(v, from, to),
    ]),
  );
}

/** The offline-backup machine as a later release might edit it: copyFiles is now copyAllFiles. */
function editedOfflineBackup(): AnyStateMachine {
  const original = machines['offline-backup'];
  const config = {
    ...original.config,
    states: renameState(original.config.states, 'copyFiles', 'copyAllFiles'),
  } as typeof original.config;
  return createMachine(
    config as Parameters<typeof createMachine>[0],
    original.implementations as never,
  ) as AnyStateMachine;
}

describe('versioned machine definitions', () => {
  it('verifies and resumes a run made before a machine edit on the definition it ran under', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    // a run of today's definition, killed after the AI switch: it rests in aiSwitch, copy to come
    await killAt(sim, state, ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      stepKey: 'aiSwitch',
      crashAt: 'after-command',
    });

    const original = machines['offline-backup'];
    const edited = editedOfflineBackup();
    expect(machineHash(edited)).not.toBe(machineHash(original));
    const upgraded: DefinitionRegistry = {
      current: { ...machines, 'offline-backup': edited },
      archived: [{ machineId: 'offline-backup', hash: machineHash(original), machine: original }],
      shipped: [
        { machineId: 'offline-backup', hash: machineHash(original), oeflowVersions: ['0.1.0'] },
        { machineId: 'offline-backup', hash: machineHash(edited), oeflowVersions: ['0.2.0'] },
      ],
    };
    const withoutArchive: DefinitionRegistry = { ...upgraded, archived: [] };

    const store = openStore(state);
    try {
      const runId = store.listRuns()[0]!.runId;
      const before = verifyRun(store, runId, undefined, upgraded);
      expect(before.verdict).toBe('proven');
      expect(before.definition).toMatchObject({
        sameAsNow: false,
        available: true,
        replayedWith: 'archived',
        shippedIn: ['0.1.0'],
      });

      // an oeflow that lacks the old definition neither proves nor resumes the run, and says which version can
      const lacking = verifyRun(store, runId, undefined, withoutArchive);
      expect(lacking.verdict).toBe('not-proven');
      expect(lacking.definition).toMatchObject({ available: false, replayedWith: 'none', shippedIn: ['0.1.0'] });
      const refused = await resumeRun(
        { store, dlc: sim.dlc, reporter: silentReporter, definitions: withoutArchive },
        { runId },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(OeflowError);
      expect((refused as OeflowError).code).toBe('OEF-032');
      expect((refused as OeflowError).hint).toContain('oeflow 0.1.0');
      expect(store.getRun(runId)!.status).toBe('running'); // nothing changed on the refusal
      expect(store.journal(runId).at(-1)!.kind).not.toBe('note');

      // the upgraded oeflow resumes it on its own definition: the copy step keeps its old name
      const resumed = await resumeRun(
        { store, dlc: sim.dlc, reporter: silentReporter, definitions: upgraded },
        { runId },
      );
      expect(resumed.status).toBe('completed');
      const states = store
        .journal(runId)
        .filter((r) => r.kind === 'transition')
        .map((r) => stateName((r.data as { to: unknown }).to));
      expect(states).toContain('copyFiles');
      expect(states).not.toContain('copyAllFiles');
      const after = verifyRun(store, runId, undefined, upgraded);
      expect(
        after.verdict,
        JSON.stringify([after.replay.problem, after.record.problems, after.ordering.problems]),
      ).toBe('proven');
      expect(after.outcome.verdict).toBe('COMPLETED');
      expect(after.definition.replayedWith).toBe('archived');
    } finally {
      store.close();
    }
  }, 180_000);
});
