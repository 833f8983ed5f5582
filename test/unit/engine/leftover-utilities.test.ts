// What a resume waits for (issue 8): a journaled utility while it runs, even once its
// `$DLC/bin` script has exec'd another program; and a process that carries the run's marker
// but whose spawn no journal row names (a kill between the spawn and that row).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leftoverUtilities, spawnNote } from '../../../src/engine/leftover-utilities.js';
import { processMark } from '../../../src/engine/run-marker.js';
import { runTool } from '../../../src/openedge/runner.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { eventually } from '../../helpers/oeflow.js';

const cleanups: (() => void | Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fake $DLC whose `proshut` script execs `sleep` (as a real one execs `_mprshut`), and a store with one run. */
function setup(): { dlc: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-leftover-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'proshut'), '#!/bin/sh\nexec sleep 120\n');
  chmodSync(join(dir, 'bin', 'proshut'), 0o755);
  const store = openStore(join(dir, 'state.db'));
  store.createRun({
    runId: 'run-1',
    machineId: 'offline-backup',
    machineHash: 'h',
    db: '/db/x',
    kind: 'offline-backup',
    input: {},
    host: 'h',
    pid: 1,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { dlc: dir, store };
}

/** Start `proshut` (with `env`), and once it has exec'd sleep, its pid; it is killed after the test. */
async function startExecingUtility(
  dlc: string,
  env: Record<string, string>,
  onSpawn: (pid: number) => void = () => undefined,
): Promise<number> {
  let pid = 0;
  const ran = runTool(dlc, 'proshut', ['/db/x', '-by'], {
    env,
    onSpawn: (p) => {
      pid = p;
      onSpawn(p);
    },
  });
  cleanups.push(async () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* the test ended it already */
    }
    await ran;
  });
  await eventually(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'), 20_000, 'the exec');
  return pid;
}

describe.runIf(process.platform === 'linux')('leftoverUtilities', () => {
  it("waits for a journaled utility whose script exec'd another program (its name is not in the command line)", async () => {
    const { dlc, store } = setup();
    const pid = await startExecingUtility(dlc, {}, (p) =>
      store.appendJournal('run-1', {
        kind: 'note',
        stepKey: 'shutdown',
        attempt: 1,
        data: spawnNote(p, ['proshut', '/db/x', '-by']),
      }),
    );
    expect(leftoverUtilities(store.journal('run-1')).map((u) => u.pid)).toEqual([pid]);
    process.kill(pid, 'SIGKILL');
    await eventually(() => leftoverUtilities(store.journal('run-1')).length === 0, 20_000, 'the utility gone');
  });

  it("finds a process carrying the run's marker that no journal row names, and not another run's", async () => {
    const { dlc, store } = setup();
    const mark = processMark('run-1', 'shutdown', 1);
    const pid = await startExecingUtility(dlc, mark.env);
    await startExecingUtility(dlc, processMark('run-2', 'shutdown', 1).env);
    const left = leftoverUtilities(store.journal('run-1'));
    expect(left.map((u) => [u.pid, u.argv])).toEqual([[pid, ['sleep', '120']]]);
    // once its spawn is journaled, the journal's entry is the one waited for (not twice)
    store.appendJournal('run-1', {
      kind: 'note',
      stepKey: 'shutdown',
      attempt: 1,
      data: spawnNote(pid, ['proshut', '/db/x', '-by'], mark.spawnId),
    });
    expect(leftoverUtilities(store.journal('run-1')).map((u) => u.argv[0])).toEqual(['proshut']);
    // what a journaled spawn left running (same spawn id: e.g. the broker a proserve started) is not waited for
    store.appendJournal('run-1', {
      kind: 'command',
      stepKey: 'shutdown',
      attempt: 1,
      data: { argv: ['proshut', '/db/x', '-by'] },
    });
    expect(leftoverUtilities(store.journal('run-1'))).toEqual([]);
  });
});
