// End to end: the CLI runs the three procedures against the simulator, database under load.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  eventually,
  invocationLines,
  invocations,
  oeflow,
  oeflowText,
  tempDir,
  useInProcessCli,
} from '../helpers/oeflow.js';
import { useSim, type Sim as SimHandle } from '../helpers/sim.js';

// Only the lock test needs a process of its own (the run holding the lock, killed at the end): it spawns it.
useInProcessCli();

const newSim = useSim();

/** A served simulated database (cleaned up, brokers killed, after each test) with a temp state store. */
async function sim(dir: string): Promise<{ dlc: string; db: string; env: Record<string, string>; handle: SimHandle }> {
  const s = newSim({ serve: true, aiExtents: 6 });
  return { dlc: s.dlc, db: s.db, env: { ...s.env, OEFLOW_STATE: join(dir, 'state.db') }, handle: s };
}

type Sim = Awaited<ReturnType<typeof sim>>;
const simCli = (s: Sim, ...args: string[]) => s.handle.oeflow(['sim', ...args, '--json']);
const digest = async (s: Sim, db: string) =>
  (JSON.parse((await simCli(s, 'digest', db)).stdout) as { digest: string }).digest;

describe('oeflow backup offline', () => {
  // The offline backup's end to end (completes, pairs the copy with one aimage new, restarts the
  // database, the catalog's entry) is proven in test/e2e/plan-and-drill.test.ts on the same backup
  // that proves its --plan.

  it('refuses a second run on a locked database with its own exit code', async () => {
    const dir = tempDir();
    const s = await sim(dir);
    const first = execa(process.execPath, [BIN, 'backup', 'online', s.db, '--to', join(dir, 'bk1'), '--json'], {
      reject: false,
      env: { ...s.env, OEFLOW_SIM_FAULTS: 'proquiet:enable:hang' },
    });
    // the first run holds the lock once it hangs in its quiet point request
    await eventually(
      () => invocationLines(s.dlc, 'proquiet', 'enable').length > 0,
      60_000,
      'the first run to hang in proquiet enable',
    );
    // the same database through a symlinked directory is the same database: same lock
    const link = join(dir, 'dblink');
    symlinkSync(dirname(s.db), link);
    const second = await oeflow(['backup', 'online', join(link, basename(s.db)), '--to', join(dir, 'bk2')], s.env);
    // the first run's process lives and holds the lock: it is not reported as interrupted
    const listed = await oeflow(['runs'], s.env);
    expect(listed.json.runs).toContainEqual(expect.objectContaining({ status: 'running', interrupted: false }));
    first.kill('SIGKILL');
    await first;
    expect(second.exitCode).toBe(4);
    expect((second.json.error as { code: string }).code).toBe('OEF-040');
  });
});

/** As after `prostrct add` without `prostrct list`: the control area has area 7, the on-disk .st does not. Returns the stale text. */
function dropDataAreaFromSt(db: string): string {
  const stale = readFileSync(`${db}.st`, 'utf8')
    .split('\n')
    .filter((l) => !l.includes('_7.d1'))
    .join('\n');
  writeFileSync(`${db}.st`, stale);
  return stale;
}

/** Load after the backup, archive every AI file, restore, and expect the source's digest. */
async function expectRestoreReachesSource(
  s: Sim,
  dir: string,
  backupId: string,
  tx: number,
  seed: number,
): Promise<void> {
  await simCli(s, 'load', s.db, '--tx', String(tx), '--seed', String(seed));
  await simCli(s, 'archive', s.db, '--to', join(dir, 'arch'));
  await execa(join(s.dlc, 'bin', 'rfutil'), [s.db, '-C', 'aimage', 'new'], { env: s.env });
  const sourceDigest = await digest(s, s.db);
  await simCli(s, 'archive', s.db, '--to', join(dir, 'arch'));
  const r = await oeflow(['restore', backupId, '--into', join(dir, 'restored'), '--ai', join(dir, 'arch')], s.env);
  expect(r.json.status, r.stdout + r.stderr).toBe('completed');
  expect(await digest(s, String(r.json.targetDb))).toBe(sourceDigest);
}

describe('oeflow backup offline with a stale .st', () => {
  it('copies the data extent the on-disk .st lacks (prostrct list), warns, and the restore rolls forward to the source digest', async () => {
    const dir = tempDir();
    const s = await sim(dir);
    await simCli(s, 'load', s.db, '--tx', '200');
    // as after `prostrct add` without `prostrct list`: the control area has the area, the .st does not
    const stale = dropDataAreaFromSt(s.db);
    const b = await oeflow(['backup', 'offline', s.db, '--to', join(dir, 'bk')], s.env);
    expect(b.json.status, b.stdout + b.stderr).toBe('completed');
    const manifest = JSON.parse(readFileSync(join(dir, 'bk', 'oeflow-manifest.json'), 'utf8')) as {
      entries: { relPath: string; role: string }[];
    };
    expect(manifest.entries).toContainEqual(expect.objectContaining({ relPath: 'sports_7.d1', role: 'data' }));
    expect(readFileSync(join(dir, 'bk', 'sports.st'), 'utf8')).toContain(`d "Data Area":7,64;8 ${s.db}_7.d1`);
    expect((b.json.facts as { copyFiles: { structure: unknown } }).copyFiles.structure).toMatchObject({
      from: 'prostrct list',
      onDiskSt: 'differs',
      onlyListed: [`${s.db}_7.d1`],
      onlyOnDisk: [],
    });
    expect(b.json.warnings).toContainEqual(expect.stringContaining(`missing ${s.db}_7.d1`));
    // the on-disk .st is reported, never rewritten, and no temporary .st is left beside the database
    expect(readFileSync(`${s.db}.st`, 'utf8')).toBe(stale);
    expect(readdirSync(dirname(s.db)).filter((f) => f.endsWith('.st'))).toEqual(['sports.st']);

    await expectRestoreReachesSource(s, dir, String(b.json.backupId), 300, 5);
  });
});

describe('oeflow backup online --snapshot-cmd with a stale .st', () => {
  it('puts the listed .st in the snapshot copy, so the restore repairs with every extent', async () => {
    const dir = tempDir();
    const s = await sim(dir);
    dropDataAreaFromSt(s.db);
    // a "snapshot" that copies what is on disk, flat, as an LVM mount would show it
    const cmd =
      'mkdir -p "$OEFLOW_DEST" && while IFS= read -r f; do cp "$f" "$OEFLOW_DEST/"; done < "$OEFLOW_FILE_LIST"';
    const b = await oeflow(['backup', 'online', s.db, '--to', join(dir, 'bk'), '--snapshot-cmd', cmd], s.env);
    expect(b.json.status, b.stdout + b.stderr).toBe('completed');
    expect(readFileSync(join(dir, 'bk', 'sports.st'), 'utf8')).toContain(`${s.db}_7.d1`);
    await expectRestoreReachesSource(s, dir, String(b.json.backupId), 200, 6);
  });
});

describe('oeflow backup online + restore', () => {
  it('restores a copy taken under load whose roll forward yields the source digest', async () => {
    const dir = tempDir();
    const s = await sim(dir);
    const load = simCli(s, 'load', s.db, '--tx', '1200', '--seed', '3');
    const b = await oeflow(['backup', 'online', s.db, '--to', join(dir, 'bk')], s.env);
    await load;
    expect(b.json.status, b.stderr).toBe('completed');
    // the quiet point was asked only once its guard watched (README "Quiet-point guard")
    expect(b.json.quietGuard).toEqual({ state: 'watching', startMs: expect.any(Number) as unknown });
    expect(invocations(s.dlc, 'proquiet', 'disable').filter((i) => i.exitCode === 0)).toHaveLength(1);
    await simCli(s, 'archive', s.db, '--to', join(dir, 'arch')); // FULL extents out, so the switch finds an EMPTY one
    await execa(join(s.dlc, 'bin', 'rfutil'), [s.db, '-C', 'aimage', 'new'], { env: s.env });
    const sourceDigest = await digest(s, s.db);
    await simCli(s, 'archive', s.db, '--to', join(dir, 'arch'));
    const r = await oeflow(
      ['restore', String(b.json.backupId), '--into', join(dir, 'restored'), '--ai', join(dir, 'arch')],
      s.env,
    );
    expect(r.json.status, r.stderr).toBe('completed');
    expect(await digest(s, String(r.json.targetDb))).toBe(sourceDigest);
    expect(invocations(s.dlc, '-C', 'sequence').filter((i) => i.exitCode === 0)).toHaveLength(1);
    // the evidence names the DLC release and every AI file applied with its sequence, sha256 and size (issue 12)
    const planned = r.json.aiFiles as string[];
    expect(planned.length).toBeGreaterThan(0);
    const pairedAiSeq = (
      (await oeflow(['backups'], s.env)).json.backups as { backupId: string; pairedAiSeq: number }[]
    ).find((x) => x.backupId === b.json.backupId)!.pairedAiSeq;
    const expected = planned.map((file, i) => ({
      file,
      aiSeq: pairedAiSeq + i,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      bytes: statSync(file).size,
    }));
    const dlcVersion = readFileSync(join(s.dlc, 'version'), 'utf8').split('\n')[0];
    const shown = await oeflow(['show', String(r.json.runId)], s.env);
    expect(shown.json.dlcVersion).toBe(dlcVersion);
    expect(shown.json.aiFilesApplied).toMatchObject(expected);
    const shownText = await oeflowText(['show', String(r.json.runId)], s.env);
    expect(shownText.stdout).toContain(`DLC: ${dlcVersion}`);
    expect(shownText.stdout).toContain(`AI files applied (${planned.length}):`);
    expect(shownText.stdout).toContain(
      `seq ${String(expected[0]!.aiSeq).padEnd(6)} ${planned[0]}  ${expected[0]!.bytes} bytes  sha256 ${expected[0]!.sha256}`,
    );
    const html = join(dir, 'restore.html');
    const verified = await oeflow(['verify', String(r.json.runId), '--html', html], s.env);
    expect((verified.json.evidence as { aiFilesApplied: unknown[] }).aiFilesApplied).toEqual(shown.json.aiFilesApplied);
    expect((verified.json.evidence as { dlcVersion: string }).dlcVersion).toBe(dlcVersion);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`<h3>AI files applied (${planned.length})</h3>`);
    for (const e of expected)
      expect(page).toContain(
        `<td><code>${e.file}</code></td><td>${e.aiSeq}</td><td><code>${e.sha256}</code></td><td>${e.bytes}</td>`,
      );
    // never restored over existing files
    const again = await oeflow(
      ['restore', String(b.json.backupId), '--into', join(dir, 'restored'), '--ai', join(dir, 'arch')],
      s.env,
    );
    expect(again.exitCode).toBe(2);
    expect((again.json.error as { code: string }).code).toBe('OEF-212');
  });
});

describe('oeflow restore --until', () => {
  it('rolls forward to a point in time: the restored digest equals the source at that time', async () => {
    const dir = tempDir();
    const s = await sim(dir);
    const b = await oeflow(['backup', 'online', s.db, '--to', join(dir, 'bk')], s.env);
    expect(b.json.status).toBe('completed');
    await simCli(s, 'load', s.db, '--tx', '400', '--seed', '11');
    // rfutil's endtime has whole seconds: the point in time lies in a later second than the load's last transaction
    const loadedAt = Date.now();
    await eventually(() => Math.floor(Date.now() / 1000) > Math.floor(loadedAt / 1000), 5_000, 'the next second');
    const pointInTime = new Date().toISOString();
    const digestThen = await digest(s, s.db);
    await simCli(s, 'load', s.db, '--tx', '400', '--seed', '12');
    await simCli(s, 'archive', s.db, '--to', join(dir, 'arch'));
    await execa(join(s.dlc, 'bin', 'rfutil'), [s.db, '-C', 'aimage', 'new'], { env: s.env });
    await simCli(s, 'archive', s.db, '--to', join(dir, 'arch'));
    expect(await digest(s, s.db)).not.toBe(digestThen);

    const r = await oeflow(
      [
        'restore',
        String(b.json.backupId),
        '--into',
        join(dir, 'pitr'),
        '--ai',
        join(dir, 'arch'),
        '--until',
        pointInTime,
      ],
      s.env,
    );
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    expect((r.json.facts as { rollForward: { endtimeLocated: boolean } }).rollForward.endtimeLocated).toBe(true);
    expect(r.json.warnings).toEqual([]);
    expect(await digest(s, String(r.json.targetDb))).toBe(digestThen);

    // a time after the last AI file: everything is applied, and the result says so
    const late = await oeflow(
      [
        'restore',
        String(b.json.backupId),
        '--into',
        join(dir, 'late'),
        '--ai',
        join(dir, 'arch'),
        '--until',
        '2099-01-01T00:00:00Z',
      ],
      s.env,
    );
    expect(late.json.status, late.stdout + late.stderr).toBe('completed');
    expect(String((late.json.warnings as string[])[0])).toMatch(/lies after the last AI file/);
    // a date alone is refused before anything is restored: it would mean midnight UTC
    const vague = await oeflow(
      [
        'restore',
        String(b.json.backupId),
        '--into',
        join(dir, 'vague'),
        '--ai',
        join(dir, 'arch'),
        '--until',
        '2099-01-01',
      ],
      s.env,
    );
    expect(vague.exitCode).toBe(2);
    expect(vague.stdout + vague.stderr).toMatch(/not an unambiguous time/);
  });
});
