// Crash tests (issue 3) for restore + roll forward: a kill during and after every step;
// sequence runs once, every AI file is applied once, and the digest equals the source's.
// The steps and their commands come from the machine (kill-plan.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureInput } from '../../machines/contract.js';
import { machines } from '../../machines/index.js';
import { mainPath } from '../../src/plan/main-path.js';
import { steps } from '../../src/steps/index.js';
import { branchOf, killAt, killPlan, storedInput, storeView } from '../helpers/crash.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { usePreparedSim } from '../helpers/prepared-sim.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';
import { MAX_AUTOMATIC_RETRIES } from '../../machines/roll-forward.js';

// The killed commands spawn (killAt, and oeflow with OEFLOW_CRASH_AT); the rest run in this process.
useInProcessCli();

const newSim = useSim();
// One backup, load after it (enough for two AI files) and archive, made once: each test restores its own copy.
const backedUp = usePreparedSim({ serve: true, aiExtents: 6 }, (sim) =>
  backupWithArchive(sim, join(sim.dir, 'state.db'), 600),
);

/** The input `oeflow restore` builds for a backup of a database that does (or does not) replicate. */
const restoreInput = (
  db: string,
  aiFiles: string[],
  replication: ProcedureInput['replication'] = null,
): ProcedureInput => ({ procedure: 'roll-forward', db, targetDb: db, aiFiles, replication });

// the first test kills twice per step and per AI file: about 30-50 s alone, well over the default
// 60 s on a loaded 2-core machine
describe('restore under SIGKILL', { timeout: 240_000 }, () => {
  it('completes after a kill during and after every step, sequencing once and applying each file once', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const target = join(sim.dir, 'restored');
    const targetDb = join(target, sim.name);
    const start = ['restore', backupId, '--into', target, '--ai', archive];
    // the AI files the run will apply, as its plan proves them: one roll forward state visit each
    const plan = await oeflow([...start, '--plan'], { ...sim.env, OEFLOW_STATE: state });
    const aiFiles = plan.json.aiFiles as string[];
    expect(aiFiles.length, plan.stdout).toBeGreaterThanOrEqual(2);
    const kills = killPlan(mainPath(machines['roll-forward'], restoreInput(targetDb, aiFiles)));
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', targetDb], at);
    const done = await oeflow(['resume', '--db', targetDb], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(storeView(state).open).toEqual([]);
    expect(invocations(sim.dlc, '-C', 'sequence').filter((i) => i.exitCode === 0)).toHaveLength(1);
    const applied = invocations(sim.dlc, 'roll', 'forward')
      .filter((i) => i.exitCode === 0)
      .map((i) => i.argv.at(-1));
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(new Set(applied).size).toBe(applied.length);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('continues a roll forward that crashed half way, after oeflow crashed too, with retry on the same file', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const env = { ...sim.env, OEFLOW_STATE: state };
    // rfutil dies half way through the first file, and oeflow dies right after it returned
    const crashed = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:crash-half@1',
      OEFLOW_CRASH_AT: 'after-command:rollForward#0',
    });
    expect(crashed.exitCode).toBe(-1); // killed by SIGKILL: no exit code
    expect(storeView(state).open).toContain('rollForward#0');
    const resumed = await oeflow(['resume', '--db', targetDb], env);
    expect(resumed.json.status, resumed.stdout + resumed.stderr).toBe('completed');
    const first = invocations(sim.dlc, 'roll', 'forward').find((i) => i.exitCode === 0);
    expect(first?.argv).toContain('retry');
    expect(storeView(state).attempts.map((a) => a.stepKey)).toContain('rollForwardRetry#0');
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('retries in the same run when rfutil alone is killed half way', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const r = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...sim.env,
      OEFLOW_STATE: state,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:crash-half@1',
    });
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'roll', 'forward', 'retry').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('stops retrying after MAX_AUTOMATIC_RETRIES kills in a row, and continues when the operator asks', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const env = { ...sim.env, OEFLOW_STATE: state };
    // every roll forward call is killed half way (a repeating OOM kill, say)
    const r = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:crash-half',
    });
    expect(r.json.status, r.stdout + r.stderr).toBe('failed');
    expect(r.json).toMatchObject({ resumable: true, state: 'rollForwardHalted', error: { code: 'OEF-215' } });
    expect(invocations(sim.dlc, 'roll', 'forward')).toHaveLength(1 + MAX_AUTOMATIC_RETRIES);
    expect(invocations(sim.dlc, 'roll', 'forward', 'retry')).toHaveLength(MAX_AUTOMATIC_RETRIES);
    const done = await oeflow(['resume', '--db', targetDb, '--retry'], env);
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('completes after a kill during and after disabling replication on a copy of a replication source', async () => {
    const sim = newSim({ serve: true, aiExtents: 6, replication: 'source' });
    const state = join(sim.dir, 'state.db');
    const { backupId, archive, digest } = await backupWithArchive(sim, state, 200);
    const targetDb = join(sim.dir, 'restored', sim.name);
    const start = ['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive];
    // the steps a copy of a replication source adds to the path; the first test kills the others
    const kills = killPlan(
      branchOf(
        mainPath(machines['roll-forward'], restoreInput(targetDb, [], 'source')),
        mainPath(machines['roll-forward'], restoreInput(targetDb, [])),
      ),
    );
    expect(kills.length).toBeGreaterThan(0);
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', targetDb], at);
    const done = await oeflow(['resume', '--db', targetDb], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'disablesitereplication', 'source').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('completes after a kill during and after roll forward retry', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const env = { ...sim.env, OEFLOW_STATE: state };
    await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:crash-half@1',
      OEFLOW_CRASH_AT: 'after-command:rollForward#0',
    });
    // off the main path (a crash leads there): its command comes from its declaration, on the run's stored input
    const declared = { input: storedInput(state), aiIndex: 0, world: {} };
    const kills = killPlan([
      { stepKey: 'rollForwardRetry#0', commands: steps['rollForwardRetry']!.commands(declared) },
    ]);
    expect(kills[0]).toMatchObject({ words: expect.arrayContaining(['retry']) as unknown });
    for (const at of kills) await killAt(sim, state, ['resume', '--db', targetDb], at);
    const done = await oeflow(['resume', '--db', targetDb], env);
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'roll', 'forward', 'retry').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });
});
