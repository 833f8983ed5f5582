// End to end on an encrypted simulated database (docs/operations.md "Encrypted databases"):
// without the passphrase the backup is refused up front (OEF-124, no quiet point), a wrong one
// is OEF-125 with nothing changed; with it from a file the online backup completes, and the
// restore (roll forward) with it from OEFLOW_PASSPHRASE yields the source's data, still
// encrypted; a drill and a killed backup's resume work with it from a file. The passphrase is in
// no argv, journal row, store page, database log or output.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt } from '../helpers/crash.js';
import { invocationLines, oeflow, spawnOeflow, useInProcessCli } from '../helpers/oeflow.js';
import { simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

// The refusals spawn (refused() below); every other command runs in this process.
useInProcessCli();

const newSim = useSim();

/** Every file under `dir` (the sim's DLC, databases, backup, archive, restored copy, store). */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('an encrypted database', () => {
  it('is backed up online, restored, drilled and resumed with the passphrase from a file or OEFLOW_PASSPHRASE; refused without it or with a wrong one', async () => {
    const secret = `pp-${randomBytes(9).toString('hex')}`;
    const sim = newSim({ serve: true, aiExtents: 6, passphrase: secret });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const passFile = join(sim.dir, 'passphrase');
    writeFileSync(passFile, `${secret}\n`, { mode: 0o600 });
    const outputs: string[] = [];
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await oeflow(args, { ...env, ...extra });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    // A refusal runs in a process of its own: an OEF-124 ends the run while its parallel read-only
    // probes (preflight, the chain proof) still run, whose output files the in-process check reports
    // as left open.
    const refused = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await spawnOeflow(args, { ...env, ...extra });
      outputs.push(String(r.stdout), String(r.stderr));
      return { stderr: String(r.stderr), json: JSON.parse(String(r.stdout)) as Record<string, unknown> };
    };

    // without a passphrase: refused at the first utility that opens the database, before any quiet point
    const before = sim.hashDir();
    const none = await refused(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk-none')]);
    expect(none.json.status, none.stderr).toBe('failed');
    expect((none.json.error as { code: string }).code).toBe('OEF-124');
    const wrong = await refused(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk-wrong')], {
      OEFLOW_PASSPHRASE: 'not-the-passphrase',
    });
    expect((wrong.json.error as { code: string }).code).toBe('OEF-125');
    expect(invocationLines(sim.dlc, 'enable')).toHaveLength(0);
    expect(sim.hashDir()).toBe(before);
    expect(existsSync(join(sim.dir, 'bk-none')) || existsSync(join(sim.dir, 'bk-wrong'))).toBe(false);

    // the passphrase from a file: the backup completes, every utility that opens the database got -Passphrase
    const b = await run(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--passphrase-file', passFile]);
    expect(b.json.status, b.stderr).toBe('completed');
    const rfutil = invocationLines(sim.dlc, 'rfutil').filter((i) => i.phase === 'end' && i.exitCode === 0);
    expect(rfutil.length).toBeGreaterThan(0);
    for (const i of rfutil) expect(i.argv).toContain('-Passphrase');

    // load after the backup, archive every AI file
    const key = { input: `${secret}\n` };
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '300']);
    const archive = join(sim.dir, 'arch');
    await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new', '-Passphrase'], key)).exitCode).toBe(0);
    const digest = await simDigest(sim, sim.db);
    await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);

    // restore without the passphrase: refused before anything is restored (the AI chain proof scans first)
    const noKey = await refused([
      'restore',
      String(b.json.backupId),
      '--into',
      join(sim.dir, 'restored-none'),
      '--ai',
      archive,
    ]);
    expect((noKey.json.error as { code: string }).code).toBe('OEF-124');
    expect(existsSync(join(sim.dir, 'restored-none'))).toBe(false);

    // the passphrase from the environment: restored and rolled forward to the source's data
    const r = await run(['restore', String(b.json.backupId), '--into', join(sim.dir, 'restored'), '--ai', archive], {
      OEFLOW_PASSPHRASE: secret,
    });
    expect(r.json.status, r.stderr).toBe('completed');
    const target = String(r.json.targetDb);
    expect(await simDigest(sim, target)).toBe(digest);
    // the copy stays encrypted with the same passphrase
    expect(await sim.run('proutil', [target, '-C', 'describe'])).toMatchObject({ exitCode: 1, messages: [90080] });
    expect((await sim.run('proutil', [target, '-C', 'describe', '-Passphrase'], key)).exitCode).toBe(0);

    // a drill with the passphrase from a file: backup, restore and roll forward in its scratch space, digests equal
    const drill = await run(['drill', sim.db, '--scratch', join(sim.dir, 'drill'), '--passphrase-file', passFile]);
    expect(drill.exitCode, drill.stdout + drill.stderr).toBe(0);
    expect(drill.json.status).toBe('passed');
    expect(drill.json.comparison).toMatchObject({ match: true });

    // a backup killed mid-run (oeflow's own process: a crash point) resumes with the passphrase from a file
    await killAt(
      sim,
      state,
      ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk-resumed'), '--passphrase-file', passFile],
      { stepKey: 'confirmQuietPoint', crashAt: 'after-intent' },
    );
    const callsBefore = invocationLines(sim.dlc).length;
    const resumed = await run(['resume', '--db', sim.db, '--passphrase-file', passFile]);
    expect(resumed.json.status, resumed.stdout + resumed.stderr).toBe('completed');
    const resumeCalls = invocationLines(sim.dlc)
      .slice(callsBefore)
      .filter((i) => i.phase === 'end' && i.argv.includes('rfutil'));
    expect(resumeCalls.length).toBeGreaterThan(0);
    for (const i of resumeCalls) expect(i.argv, i.argv.join(' ')).toContain('-Passphrase');

    // the journal says a passphrase was passed, and where; the value is nowhere
    const shown = await run(['show', String(r.json.runId)]);
    expect(shown.stdout).toContain('-Passphrase');
    expect(shown.stdout).toContain('passphrase: supplied on stdin');
    expect((await run(['verify', String(r.json.runId)])).exitCode).toBe(0); // the note is part of the hashed row
    const config = await run(['config', 'show'], { OEFLOW_PASSPHRASE: secret });
    expect(config.json.settings).toContainEqual({
      key: 'passphrase',
      value: '********',
      source: 'environment',
      where: 'OEFLOW_PASSPHRASE',
    });
    // the store's pages hold the journal in plain text (so the search below would find a leaked value)
    const storeText = [state, `${state}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    expect(storeText).toContain('passphrase: supplied on stdin');
    for (const file of allFiles(sim.dir).filter((f) => f !== passFile)) {
      expect(readFileSync(file).includes(secret), file).toBe(false);
    }
    for (const text of outputs) expect(text.includes(secret)).toBe(false);
  }, 240_000);
});
