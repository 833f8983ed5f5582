// The engine itself refuses to break the procedures' invariants, aborts cleanly on
// signals, bounds the quiet point, halts on a roll-forward error exit, and asks an
// operator when it cannot reconcile a step.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { killAt, killUnfinished, storeView } from '../helpers/crash.js';
import { execa } from 'execa';
import { openStore } from '../../src/store/index.js';
import { pidAlive } from '../../src/openedge/liveness.js';
import {
  BIN,
  eventually,
  invocationLines,
  invocations,
  killGroup,
  oeflow,
  spawnOeflow,
  useInProcessCli,
} from '../helpers/oeflow.js';
import { usePreparedSim } from '../helpers/prepared-sim.js';
import { isSimProcess, useSim } from '../helpers/sim.js';

// Commands that are killed or signalled spawn (killAt, spawnOeflow, the resume that waits for a leftover).
useInProcessCli();

const newSim = useSim();
// A backup, load after it and its AI files archived, made once: the restore tests each get their own copy.
// The backup runs in New York's time zone: the time-zone test restores it from a host in Tokyo.
const backedUp = usePreparedSim({ serve: true, aiExtents: 6 }, (sim) =>
  backupWithArchive(sim, join(sim.dir, 'state.db'), 200, { TZ: 'America/New_York' }),
);
// An offline backup killed right after its AI switch (the database shut down), made once: the
// resume test and the abandon test each get their own copy.
const killedAfterSwitch = usePreparedSim({ serve: true, aiExtents: 6 }, async (sim) => {
  await killAt(sim, join(sim.dir, 'state.db'), ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk1')], {
    stepKey: 'aiSwitch',
    crashAt: 'after-command',
  });
  return {};
});
const errorCode = (json: Record<string, unknown>) => (json.error as { code?: string } | undefined)?.code;

describe('engine invariants', () => {
  it('refuses rfutil -C sequence once a roll forward has run on the copy (OEF-210)', async () => {
    const { sim, backupId, archive } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    await killAt(sim, state, ['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      stepKey: 'repairStructure',
      crashAt: 'after-command',
    });
    // someone rolls a file forward by hand before the run resumes
    const firstFile = invocations(sim.dlc, 'scan')
      .map((i) => i.argv.at(-1)!)
      .sort()[0]!;
    await sim.run('rfutil', [targetDb, '-C', 'roll', 'forward', '-a', firstFile]);
    const r = await oeflow(['resume', '--db', targetDb], { ...sim.env, OEFLOW_STATE: state });
    expect(r.exitCode).toBe(6);
    expect(errorCode(r.json)).toBe('OEF-210');
    expect(invocations(sim.dlc, '-C', 'sequence')).toHaveLength(0);
  });

  it('never copies a database opened mid-procedure: the resume starts over from its checks (issue 8)', async () => {
    const { sim } = killedAfterSwitch();
    const state = join(sim.dir, 'state.db');
    await sim.run('proserve', [sim.db]); // something opens the database mid-procedure
    const r = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(r.json.status, r.stdout).toBe('completed');
    // shut down again and switched again: the copy pairs with the second switch
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.exitCode === 0)).toHaveLength(2);
  });
});

describe('oeflow abandon', () => {
  it('closes a crashed run so a new backup can start, and one killed under a quiet point once its guard disabled it', async () => {
    const { sim } = killedAfterSwitch();
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const blocked = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk2')], env);
    expect(blocked.exitCode).toBe(4);
    const crashedId = String((blocked.json.error as { details?: { holder?: string } }).details?.holder ?? '');
    expect(crashedId).toMatch(/^run-/);
    const closed = await oeflow(['abandon', crashedId, '--reason', 'superseded by a new backup'], env);
    expect(closed.exitCode).toBe(0);
    expect(String(closed.json.warning)).toMatch(/shut down/);
    const fresh = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk2')], env);
    expect(fresh.json.status, fresh.stdout + fresh.stderr).toBe('completed');

    // killed with its quiet point up: the run's guard disables it, and then abandon is safe
    await killAt(sim, state, ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk3')], {
      stepKey: 'quietEnable',
      crashAt: 'after-command',
    });
    const onlineRun = (await oeflow(['runs', '--db', sim.db], env)).json.runs as { runId: string; status: string }[];
    const record = join(`${state}-guards`, `${onlineRun[0]!.runId}.json`);
    // the guard carries the run's marker: abandon waits for it as for anything the run started, so
    // the test waits for it to end too, not only for its record (written just before it exits)
    await eventually(
      () => {
        if (!existsSync(record)) return false;
        const r = JSON.parse(readFileSync(record, 'utf8')) as { outcome: string; guardPid: number };
        return r.outcome === 'disabled' && !pidAlive(r.guardPid);
      },
      20_000,
      'the guard disabling the quiet point and ending',
    );
    const abandoned = await oeflow(['abandon', onlineRun[0]!.runId, '--reason', 'quiet point down'], env);
    expect(abandoned.exitCode, abandoned.stdout).toBe(0);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });
});

describe('preflight refusals', () => {
  it('refuses an online backup of a database with a single AI extent before raising any quiet point (OEF-204)', async () => {
    const sim = newSim({ serve: true, aiExtents: 1 });
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], {
      ...sim.env,
      OEFLOW_STATE: join(sim.dir, 'state.db'),
    });
    expect(r.exitCode).toBe(6);
    expect(errorCode(r.json)).toBe('OEF-204');
    expect(invocationLines(sim.dlc, 'proquiet')).toHaveLength(0);
  });

  it('refuses an online backup of a database that is not running (OEF-205)', async () => {
    const sim = newSim({ serve: false });
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], {
      ...sim.env,
      OEFLOW_STATE: join(sim.dir, 'state.db'),
    });
    expect(r.exitCode).toBe(6);
    expect(errorCode(r.json)).toBe('OEF-205');
  });

  it('ends an offline backup of a database held single-user with OEF-200 (in use) before any shutdown, not OEF-054 (issue 8)', async () => {
    const sim = newSim({ serve: false });
    // a utility opens the database single-user (mode-1 .lk) and stays
    const other = sim.run('proutil', [sim.db, '-C', 'truncate', 'bi'], {
      env: { OEFLOW_SIM_FAULTS: 'proutil:truncate:hang' },
    });
    await eventually(
      async () => (await sim.run('proutil', [sim.db, '-C', 'holder'])).exitCode === 14,
      30_000,
      'the single-user holder',
    );
    const r = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      ...sim.env,
      OEFLOW_STATE: join(sim.dir, 'state.db'),
    });
    expect(r.exitCode, r.stdout).toBe(6);
    expect(errorCode(r.json)).toBe('OEF-200');
    expect((r.json.error as { message: string }).message).toMatch(/single-user/);
    // nothing was shut down, switched or (re)started
    for (const words of [['proshut'], ['proserve'], ['aimage', 'new'], ['truncate', 'bi']])
      expect(invocations(sim.dlc, ...words), words.join(' ')).toHaveLength(0);
    killUnfinished(sim.dlc);
    await other;
  });
});

describe('signals and the quiet-point watchdog', () => {
  it('disables the quiet point when SIGINT arrives during the snapshot, and the run resumes', async () => {
    const sim = newSim({ serve: true });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    // the snapshot command holds while `hold` exists: the SIGINT comes while it runs, however slow the machine
    const hold = join(sim.dir, 'hold');
    writeFileSync(hold, '');
    const snapshot = `while [ -e ${hold} ]; do sleep 0.05; done`;
    const child = spawnOeflow(
      ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', snapshot],
      env,
    );
    // the snapshot command runs (journaled with its pid): the quiet point is up
    await eventually(() => siteCommandJournaled(env.OEFLOW_STATE), 60_000, 'the snapshot command running');
    child.kill('SIGINT');
    const r = await child;
    rmSync(hold); // the resume's snapshot command ends at once
    const json = JSON.parse(String(r.stdout)) as Record<string, unknown>;
    expect(r.exitCode).toBe(5);
    expect(json.status).toBe('aborted');
    expect(json.resumable).toBe(true);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7); // already disabled
    // resuming an aborted online backup starts again from its checks: a new quiet point and switch
    const resumed = await oeflow(['resume', String(json.runId)], env);
    expect(resumed.json.status, resumed.stdout + resumed.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(2);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });

  it('prints exactly one JSON document when SIGINT or SIGTERM arrives before the run exists (a restore scanning its AI files), and records no run (issue 8)', async () => {
    const { sim, backupId } = backedUp();
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const runsBefore = (await oeflow(['runs'], env)).json.runs as { runId: string }[];
    expect(runsBefore).toHaveLength(1); // the backup's
    const ai = join(sim.dir, 'ai');
    mkdirSync(ai);
    writeFileSync(join(ai, 'f1'), 'not yet scanned');
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const scans = () => invocationLines(sim.dlc, 'scan').filter((l) => l.phase === 'start');
      const before = scans().length;
      const child = spawnOeflow(['restore', backupId, '--into', join(sim.dir, `into-${sig}`), '--ai', ai], {
        ...env,
        OEFLOW_SIM_FAULTS: 'rfutil:aimage scan:hang',
      });
      await eventually(() => scans().length > before, 60_000, 'the AI-chain scan to start'); // before any run exists
      process.kill(child.pid!, sig);
      const r = await child;
      expect(r.exitCode, `${sig}: ${String(r.stdout)} ${String(r.stderr)}`).toBe(5);
      const doc = JSON.parse(String(r.stdout)) as { status: string; error: { code: string; message: string } }; // the whole stdout is one document
      expect(doc.status).toBe('error');
      expect(doc.error.code).toBe('OEF-052');
      expect(doc.error.message).toContain(sig);
      // the scan it had started was stopped with it
      const scanPid = scans().at(-1)!.pid!;
      await eventually(() => !isSimProcess(scanPid), 30_000, 'the scan to be stopped');
    }
    expect((await oeflow(['runs'], env)).json.runs).toEqual(runsBefore);
  });

  it('restarts the database on SIGINT after the shutdown unless --no-restart was chosen', async () => {
    for (const noRestart of [false, true]) {
      const sim = newSim({ serve: true });
      const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
      // the jobs check holds while `hold` exists (the abort stops it): the SIGINT comes while it runs
      const hold = join(sim.dir, 'hold');
      writeFileSync(hold, '');
      const child = spawnOeflow(
        [
          'backup',
          'offline',
          sim.db,
          '--to',
          join(sim.dir, 'bk'),
          '--jobs-check',
          `while [ -e ${hold} ]; do sleep 0.05; done`,
          ...(noRestart ? ['--no-restart'] : []),
        ],
        env,
      );
      // inside the jobs check (journaled with its pid), after the shutdown
      await eventually(() => siteCommandJournaled(env.OEFLOW_STATE), 60_000, 'the jobs check running');
      expect(invocations(sim.dlc, 'truncate', 'bi').filter((i) => i.exitCode === 0)).toHaveLength(1);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(5);
      expect((JSON.parse(String(r.stdout)) as { status: string }).status).toBe('aborted');
      expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(noRestart ? 0 : 6);
    }
  });

  it('keeps a running once-step alive when Ctrl-C reaches the whole terminal process group', async () => {
    const sim = newSim({ serve: true });
    const log = join(sim.dir, 'oeflow.log');
    const env = {
      ...sim.env,
      OEFLOW_STATE: join(sim.dir, 'state.db'),
      OEFLOW_SIM_FAULTS: 'rfutil:aimage new:hang',
      OEFLOW_LOG_FILE: log,
    };
    const child = spawnOeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], env); // its own group, like a terminal job
    await eventually(() => invocationLines(sim.dlc, 'aimage', 'new').length > 0, 30_000, 'aimage new started');
    const utility = invocationLines(sim.dlc, 'aimage', 'new')[0]!.pid!;
    process.kill(-child.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
    // oeflow heard it and says it waits for the once-step (its log line), rather than aborting
    await eventually(
      () => existsSync(log) && readFileSync(log, 'utf8').includes('waiting for the running once-step to finish'),
      30_000,
      'oeflow to say it waits for the once-step',
    );
    expect(isSimProcess(utility)).toBe(true); // aimage new was not interrupted half way
    // it leads a process group of its own: the terminal's Ctrl-C never reached it
    const group = Number(readFileSync(`/proc/${utility}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
    expect(group).not.toBe(child.pid);
    expect(child.exitCode).toBeNull(); // oeflow waits for the once-step before aborting
    child.kill('SIGKILL');
    await child;
  });

  it('stops the copy and disables the quiet point when --max-quiet is exceeded (OEF-060)', async () => {
    const sim = newSim({ serve: true });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const started = Date.now();
    const r = await oeflow(
      ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', 'sleep 30', '--max-quiet', '2s'],
      env,
    );
    expect(r.exitCode).toBe(7);
    expect(errorCode(r.json)).toBe('OEF-060');
    expect(Date.now() - started).toBeLessThan(25_000); // the snapshot command was stopped
    expect(invocations(sim.dlc, 'proquiet', 'disable').filter((i) => i.exitCode === 0)).toHaveLength(1);
  });
});

describe('roll forward error exits and operator decisions', () => {
  it('halts on a roll forward error exit and retries only when asked (--retry)', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const env = { ...sim.env, OEFLOW_STATE: state };
    const failed = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:fail@1',
    });
    expect(failed.json.status).toBe('failed');
    expect(failed.json.resumable).toBe(true);
    const refused = await oeflow(['resume', '--db', targetDb], env);
    expect(errorCode(refused.json)).toBe('OEF-053');
    expect(invocationLines(sim.dlc, 'retry')).toHaveLength(0);
    // the operator asks for retry explicitly: exactly one `roll forward retry` runs
    const retried = await oeflow(['resume', '--db', targetDb, '--retry'], env);
    expect(retried.json.status, retried.stdout + retried.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'roll', 'forward', 'retry').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  });

  it('refuses --retry once the target was opened after a failed roll forward', async () => {
    const { sim, backupId, archive } = backedUp();
    const state = join(sim.dir, 'state.db');
    const targetDb = join(sim.dir, 'restored', sim.name);
    const env = { ...sim.env, OEFLOW_STATE: state };
    const failed = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:roll forward:fail@1',
    });
    expect(failed.json.status).toBe('failed');
    // someone starts and stops the half-restored copy: crash recovery backs transactions out
    expect((await sim.run('proserve', [targetDb])).exitCode).toBe(0);
    expect((await sim.run('proshut', [targetDb, '-by'])).exitCode).toBe(0);
    const refused = await oeflow(['resume', '--db', targetDb, '--retry'], env);
    expect(refused.exitCode).toBe(6);
    expect(errorCode(refused.json)).toBe('OEF-214');
    expect(invocationLines(sim.dlc, 'retry')).toHaveLength(0);
  });

  it('asks an operator when the AI switch cannot be reconciled, and continues after resolve', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    await killAt(sim, state, ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      stepKey: 'aiSwitch',
      crashAt: 'after-intent',
    });
    // killed: stored as running, reported as interrupted (no process drives it)
    const killed = await oeflow(['runs'], env);
    expect(killed.json.runs).toEqual([expect.objectContaining({ status: 'running', interrupted: true })]);
    // two switches by hand: the BUSY sequence moved by 2, so "did ours run?" has no answer
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    const stuck = await oeflow(['resume', '--db', sim.db], env);
    expect(stuck.exitCode).toBe(3);
    expect(stuck.json.status).toBe('needs-decision');
    // the machine itself waits in the step's awaiting-decision state (docs/architecture.md §5.8)
    expect(stuck.json.state).toBe('aiSwitchAwaitingDecision');
    const runId = String(stuck.json.runId);
    const decided = await oeflow(
      ['resolve', runId, '--as', 'done', '--reason', 'the last switch was ours (checked the .lg)'],
      env,
    );
    expect(decided.exitCode).toBe(0);
    const waiting = await oeflow(['show', runId], env);
    expect(waiting.json).toMatchObject({ status: 'running', interrupted: true, next: `oeflow resume ${runId}` });
    const done = await oeflow(['resume', runId], env);
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect((await oeflow(['runs'], env)).json.runs).toEqual([
      expect.objectContaining({ status: 'completed', interrupted: false }),
    ]);
    // the operator's call and reason are part of the evidence
    const timeline = (await oeflow(['show', runId], env)).json.timeline as { decision?: { reason: string } }[];
    expect(timeline.some((t) => t.decision?.reason === 'the last switch was ours (checked the .lg)')).toBe(true);
    const html = join(sim.dir, 'evidence.html');
    const verified = await oeflow(['verify', runId, '--html', html], env);
    expect(verified.json.verdict).toBe('proven');
    // the operator's decision is the event that left the awaiting state
    const replayed = (verified.json.replay as { transitions: { event: string; state: string }[] }).transitions;
    expect(replayed.map((t) => `${t.event}->${t.state}`)).toContain('DECIDED->aiSwitch');
    expect(readFileSync(html, 'utf8')).toContain('the last switch was ours (checked the .lg)');
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.argv.length > 0 && i.exitCode === 0)).toHaveLength(2);
  });
});

describe('backup destinations are checked before the database is touched', () => {
  it('refuses a destination inside the database directory or over a finished backup, before any shutdown or quiet point', async () => {
    // the prepared copy holds a finished backup in <dir>/bk; its database is served again
    const { sim } = backedUp();
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    // the set-up's own shutdown and switches are in the invocation log: count only new ones
    const [shutdowns, switches] = [
      invocations(sim.dlc, 'proshut').length,
      invocations(sim.dlc, 'aimage', 'new').length,
    ];
    const inside = join(sim.dir, 'db', 'bk');
    expect(sim.db.startsWith(join(sim.dir, 'db'))).toBe(true);
    const plan = await oeflow(['backup', 'offline', sim.db, '--to', inside, '--plan'], env);
    expect(plan.json.ready).toBe(false);
    expect(JSON.stringify(plan.json.preconditions)).toMatch(/OEF-303/);
    const offline = await oeflow(['backup', 'offline', sim.db, '--to', inside], env);
    expect(offline.exitCode).toBe(2);
    expect((offline.json.error as { code: string }).code).toBe('OEF-303');
    expect(invocations(sim.dlc, 'proshut')).toHaveLength(shutdowns);
    expect(invocations(sim.dlc, 'aimage', 'new')).toHaveLength(switches);

    expect(existsSync(join(sim.dir, 'bk', 'oeflow-manifest.json'))).toBe(true); // the finished backup
    const enables = invocations(sim.dlc, 'enable').length;
    const again = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(again.exitCode).toBe(2);
    expect((again.json.error as { code: string }).code).toBe('OEF-305');
    expect(invocations(sim.dlc, 'enable')).toHaveLength(enables); // no quiet point spent on it

    // a path through an existing file: said in words, before any quiet point
    const underFile = await oeflow(
      ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk', 'oeflow-manifest.json', 'sub')],
      env,
    );
    expect(underFile.exitCode).toBe(2);
    expect((underFile.json.error as { code: string; message: string }).code).toBe('OEF-305');
    expect((underFile.json.error as { message: string }).message).toMatch(/is an existing file/);
    expect((underFile.json.error as { message: string }).message).not.toMatch(/ENOTDIR/);
    expect(invocations(sim.dlc, 'enable')).toHaveLength(enables);
  });
});

describe('restore on a host in another time zone', () => {
  it('proves the AI chain of a backup taken in New York from a host in Tokyo', async () => {
    const { sim, backupId, archive } = backedUp(); // backed up with TZ=America/New_York
    const state = join(sim.dir, 'state.db');
    const plan = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive, '--plan'], {
      ...sim.env,
      OEFLOW_STATE: state,
      TZ: 'Asia/Tokyo',
    });
    expect(plan.json.chainProblems, plan.stdout + plan.stderr).toEqual([]);
    expect(plan.json.ready).toBe(true);
  });
});

describe('restore checks the backup against its manifest', () => {
  it('refuses at RF-1 a backup file that no longer matches the manifest, before any roll forward', async () => {
    const { sim, backupId, archive } = backedUp();
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const bk = (await oeflow(['backups'], env)).json.backups as { backupId: string; destination: string }[];
    const dest = bk.find((b) => b.backupId === backupId)!.destination;
    const manifest = JSON.parse(readFileSync(join(dest, 'oeflow-manifest.json'), 'utf8')) as {
      entries: { relPath: string; role: string }[];
    };
    const data = manifest.entries.find((e) => e.role === 'data')!;
    const file = join(dest, ...data.relPath.split('/'));
    const bytes = readFileSync(file);
    const at = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at); // one flipped byte, same size
    writeFileSync(file, bytes);
    const r = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], env);
    expect(r.json.status).toBe('failed');
    expect(r.json.error).toMatchObject({ code: 'OEF-300' });
    expect(String((r.json.error as { message: string }).message)).toContain(data.relPath);
    expect(invocations(sim.dlc, 'roll', 'forward')).toHaveLength(0);
    expect(invocations(sim.dlc, 'sequence')).toHaveLength(0);
  });
});

describe('leftovers of a killed run', () => {
  /** An offline backup whose oeflow dies while `aimage new` hangs: the utility lives on and holds the database. */
  async function killedDuringAimageNew(): Promise<{ sim: ReturnType<typeof newSim>; env: Record<string, string> }> {
    const sim = newSim({ serve: true, aiExtents: 4 });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const p = spawnOeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:aimage new:hang',
    });
    // held at its gate by the hang fault (the database opened, nothing changed)
    await eventually(
      () => invocationLines(sim.dlc, 'new').some((l) => l.phase === 'hung'),
      30_000,
      'aimage new to hang',
    );
    killGroup(p.pid);
    await p;
    return { sim, env };
  }

  it('waits for a snapshot command the killed run left running, never starting a second one alongside (leftover snapshot command, issue 8)', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const [log, running, hold] = ['snap.log', 'snap.running', 'hold'].map((f) => join(sim.dir, f)) as [
      string,
      string,
      string,
    ];
    writeFileSync(hold, '');
    // says `overlap` if another one runs at the same time; holds while `hold` exists
    const cmd = `if [ -e ${running} ]; then echo overlap >> ${log}; fi; touch ${running}; echo start >> ${log}; while [ -e ${hold} ]; do sleep 0.05; done; rm -f ${running}; echo end >> ${log}`;
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    const first = spawnOeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', cmd], env);
    await eventually(() => lines().includes('start'), 60_000, 'the snapshot command running');
    // the kill comes once the command's start (its pid) is journaled: a kill between the spawn and
    // that row (a window of one store write) leaves the resume nothing to wait for
    await eventually(() => siteCommandJournaled(state), 60_000, 'the snapshot command journaled with its pid');
    killGroup(first.pid); // kill -9 of oeflow; the command leads its own process group and runs on
    await first;
    // human output: the resume says what it waits for on stderr
    const resume = execa(process.execPath, [BIN, 'resume', '--db', sim.db], {
      env,
      reject: false,
      detached: true,
      timeout: 120_000,
    });
    let stderr = '';
    resume.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await eventually(
      () => stderr.includes(running) || lines().filter((l) => l === 'start').length > 1,
      120_000,
      'the resume to wait for the leftover snapshot command',
    );
    expect(stderr).toMatch(/left running \(.*pid \d+: \S*sh -c /);
    expect(lines()).toEqual(['start']); // not started again while the first one runs
    rmSync(hold); // the first command ends: only now may the resume go on (and take its snapshot again under a new quiet point)
    const r = await resume;
    expect(storeView(state).status, `${String(r.stdout)} ${stderr}`).toBe('completed');
    expect(lines()).toEqual(['start', 'end', 'start', 'end']);
  });

  // one killed run serves both: the refused resume changes nothing, so the second resume meets the same run
  it("waits for a utility the killed run left running and refuses to race it (OEF-041); once it is gone, does not call a database held by someone else's single-user utility restarted", async () => {
    const { sim, env } = await killedDuringAimageNew();
    const raced = await oeflow(['resume', '--db', sim.db], { ...env, OEFLOW_LEFTOVER_WAIT_MS: '1500' });
    expect(raced.exitCode, raced.stdout + raced.stderr).toBe(4);
    expect(errorCode(raced.json)).toBe('OEF-041');
    expect(String((raced.json.error as { message: string }).message)).toMatch(/pid \d+: rfutil .* aimage new/);
    expect(invocationLines(sim.dlc, 'new').filter((l) => l.phase === 'start')).toHaveLength(1); // not started a second time

    killUnfinished(sim.dlc); // our leftover is gone…
    const other = sim.run('proutil', [sim.db, '-C', 'truncate', 'bi'], {
      env: { OEFLOW_SIM_FAULTS: 'proutil:truncate:hang' },
    }); // …but someone holds it single-user
    await eventually(() => invocationLines(sim.dlc, 'truncate').length > 0, 30_000, 'the other utility to start');
    const r = await oeflow(['resume', '--db', sim.db], env);
    expect(r.json.status, r.stdout + r.stderr).toBe('failed');
    const shown = JSON.stringify((await oeflow(['show', String(r.json.runId)], env)).json);
    expect(shown).toMatch(/NOT restarted/);
    expect(shown).not.toMatch(/"restarted":true/);
    killUnfinished(sim.dlc);
    await other;
  });
});

describe('ONLINE-1 proquiet enable', () => {
  it('stops a proquiet enable that waits longer than --max-quiet, and disables the quiet point', async () => {
    const sim = newSim({ serve: true, aiExtents: 4 });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const started = Date.now();
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--max-quiet', '2s'], {
      ...env,
      OEFLOW_SIM_FAULTS: 'proquiet:enable:hang',
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(7);
    expect(errorCode(r.json)).toBe('OEF-060');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(invocations(sim.dlc, 'disable').length).toBeGreaterThanOrEqual(1);
    expect(invocations(sim.dlc, 'copyFiles')).toHaveLength(0);
  });
});

/** Whether the run's journal holds a site command's start note (its pid). */
function siteCommandJournaled(state: string): boolean {
  if (!existsSync(state)) return false;
  const store = openStore(state);
  try {
    const run = store.listRuns()[0];
    return (
      run !== undefined &&
      store.entries(run.runId).some((e) => e.kind === 'note' && e.data.spawned?.siteCommand !== undefined)
    );
  } finally {
    store.close();
  }
}
