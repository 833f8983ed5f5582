// Issue 8, the last gap: oeflow killed between spawning a site command and journaling its pid
// (crash point after-spawn). The journal knows nothing of it; the run's marker in the
// command's environment does, so the resume still waits for it and never runs a second
// snapshot alongside.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { eventually, oeflow, spawnOeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();
const newSim = useSim();

/** Whether the run's journal holds a site command's start note (its pid). */
function siteCommandJournaled(state: string): boolean {
  const store = openStore(state);
  try {
    const run = store.listRuns()[0]!;
    return store.entries(run.runId).some((e) => e.kind === 'note' && e.data.spawned?.siteCommand !== undefined);
  } finally {
    store.close();
  }
}

describe('a site command started right before the kill, its pid not journaled', () => {
  it('is waited for by the resume (OEF-041 while it runs), which then takes its snapshot alone', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const [log, pidFile, hold] = ['snap.log', 'snap.pid', 'hold'].map((f) => join(sim.dir, f)) as [
      string,
      string,
      string,
    ];
    writeFileSync(hold, '');
    // the first one holds while `hold` exists; its shell's pid is the one oeflow spawned
    const cmd = `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; echo start >> ${log}; while [ -e ${hold} ]; do sleep 0.05; done; echo end >> ${log}`;
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

    const first = await spawnOeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', cmd], {
      ...env,
      OEFLOW_CRASH_AT: 'after-spawn:snapshot',
    });
    expect(first.signal, String(first.stderr)).toBe('SIGKILL');
    expect(siteCommandJournaled(state)).toBe(false); // the gap: the journal cannot name it
    await eventually(() => existsSync(pidFile), 60_000, 'the snapshot command running on');
    const pid = Number(readFileSync(pidFile, 'utf8'));

    const refused = await oeflow(['resume', '--db', sim.db], { ...env, OEFLOW_LEFTOVER_WAIT_MS: '0' });
    expect(refused.exitCode, refused.stdout + refused.stderr).toBe(4);
    const error = refused.json.error as { code: string; message: string };
    expect(error.code).toBe('OEF-041');
    expect(error.message).toContain(`pid ${pid}: `);
    expect(lines()).toEqual(['start']); // not started again while the first one runs

    rmSync(hold); // the first command ends: now the resume may take its snapshot again (a new quiet point)
    const r = await oeflow(['resume', '--db', sim.db], env);
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    expect(lines()).toEqual(['start', 'end', 'start', 'end']);
  });
});
