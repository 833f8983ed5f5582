// Unattended operations (issue 13's "done when"), with oeflow installed from a packed tarball
// into a fresh prefix: --version; a config with one section; `backup online <section>` with no
// other flag backs up into the repository; info shows it; check exits 0, then 2 after a killed
// run, and the notify hook received the refusal as JSON; verify-backup names a flipped byte; a
// bad configuration is refused with file, line and key before anything runs.
import { execa } from 'execa';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocations } from '../helpers/oeflow.js';
import { ROOT, useSim } from '../helpers/sim.js';

const newSim = useSim();

describe('oeflow installed from a packed tarball', () => {
  // one install for every test of the file (tempDir would remove it after the first test)
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let bin = '';

  beforeAll(async () => {
    // dist/ is built already (tests run the built CLI): pack without re-running `prepare`
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const tgz = join(dir, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
    const prefix = join(dir, 'prefix');
    // Offline-safe: every dependency is in the npm cache since `npm ci`. better-sqlite3's native
    // build (its install script: minutes of compiling without a prebuilt download) is skipped and
    // the one `npm ci` built for this same Node is put in place, as prebuild-install would.
    await execa(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tgz],
      { cwd: dir },
    );
    const release = join(prefix, 'lib/node_modules/oeflow/node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(
      join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      join(release, 'better_sqlite3.node'),
    );
    bin = join(prefix, 'bin', 'oeflow');
  }, 300_000);

  const run = async (args: string[], env: Record<string, string>) => {
    const r = await execa(bin, args, { env, reject: false, cwd: dir, timeout: 120_000 });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      /* text output */
    }
    return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, json };
  };

  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version'], process.env as Record<string, string>);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    const v = await run(['version', '--json'], process.env as Record<string, string>);
    expect(v.json).toMatchObject({
      oeflow: pkg.version,
      node: process.versions.node,
      xstate: expect.stringMatching(/^5\./) as unknown,
      storeSchema: expect.any(Number) as unknown,
    });
  });

  it('runs a nightly backup from a config section, reports it, and alerts on a killed run', async () => {
    const sim = newSim({ serve: true });
    const home = join(sim.dir, 'home');
    const repo = join(sim.dir, 'repo');
    const notified = join(sim.dir, 'notified');
    mkdirSync(join(home, '.oeflow'), { recursive: true });
    mkdirSync(notified);
    writeFileSync(
      join(home, '.oeflow', 'oeflow.conf'),
      [
        `store = "${join(sim.dir, 'state.db')}"`,
        `dlc = "${sim.dlc}"`,
        `repo = "${repo}"`,
        `notify = "cat > ${notified}/$OEFLOW_EVENT-$$.json"`,
        '',
        '[db.sports]',
        `path = "${sim.db}"`,
        'max-quiet = "2m"',
        '',
      ].join('\n'),
    );
    // nothing from the test environment decides where things go: only HOME's config
    const env: Record<string, string> = { PATH: process.env['PATH']!, HOME: home };

    const backup = await run(['backup', 'online', 'sports', '--json'], env);
    expect(backup.exitCode, backup.stdout + backup.stderr).toBe(0);
    const backupId = String(backup.json.backupId);
    const destination = join(repo, 'sports', backupId);
    expect(existsSync(join(destination, 'oeflow-manifest.json'))).toBe(true);
    const run1 = await run(['show', String(backup.json.runId), '--json'], env);
    expect((run1.json.input as { oeflowVersion?: string }).oeflowVersion).toMatch(/^\d+\.\d+\.\d+/);

    const info = await run(['info', 'sports', '--json'], env);
    expect(info.exitCode).toBe(0);
    const status = (
      info.json.databases as {
        section: string;
        lastBackup: { backupId: string; destination: string; bytes: number; quietSeconds: number };
        openRuns: unknown[];
      }[]
    )[0]!;
    expect(status).toMatchObject({ section: 'sports', lastBackup: { backupId, destination }, openRuns: [] });
    expect(status.lastBackup.bytes).toBeGreaterThan(0);
    expect(status.lastBackup.quietSeconds).toBeGreaterThanOrEqual(0);

    const ok = await run(['check', 'sports'], env);
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^OEFLOW OK - sports: ok \| sports_backup_age=\d+s;93600;180000;0/);

    // a quiet point left up by hand (no oeflow run holds it): every write waits, the probe says so
    expect((await sim.run('proquiet', [sim.db, 'enable'])).exitCode).toBe(0);
    const frozen = await run(['check', 'sports'], env);
    expect(frozen.exitCode, frozen.stdout).toBe(2);
    expect(frozen.stdout).toMatch(/^OEFLOW CRITICAL - sports: quiet point up for \d+s and no oeflow run holds it/);
    expect(frozen.stdout).toMatch(/sports_quiet_point_age=\d+s;;120;0/); // the section's max-quiet
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(0);

    // a run killed like a power cut, after its quiet point was disabled
    const killed = await run(['backup', 'online', 'sports', '--json'], {
      ...env,
      OEFLOW_CRASH_AT: 'after-intent:recordBackup',
    });
    expect(killed.exitCode).not.toBe(0);
    const crit = await run(['check', 'sports'], env);
    expect(crit.exitCode, crit.stdout).toBe(2);
    expect(crit.stdout).toMatch(/^OEFLOW CRITICAL - sports: run run-\S+ interrupted in /);

    // the next nightly run is refused with the next action, and the hook hears of it
    const refused = await run(['backup', 'online', 'sports', '--json'], env);
    expect(refused.exitCode).toBe(4);
    const error = refused.json.error as { code: string; hint: string; details: { holder: string } };
    expect(error.code).toBe('OEF-040');
    expect(error.hint).toContain(`oeflow resume ${error.details.holder}`);
    const hooks = readdirSync(notified).filter((f) => f.startsWith('open-run-'));
    expect(hooks).toHaveLength(1);
    const payload = JSON.parse(readFileSync(join(notified, hooks[0]!), 'utf8')) as {
      event: string;
      status: string;
      error: { code: string };
    };
    expect(payload).toMatchObject({ event: 'open-run', status: 'failed', error: { code: 'OEF-040' } });
    expect(readdirSync(notified).filter((f) => f.startsWith('completed-'))).toHaveLength(1);

    // a flipped byte in the stored backup is named
    const victim = readdirSync(destination).find((f) => f.endsWith('.d1'))!;
    const bytes = readFileSync(join(destination, victim));
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(join(destination, victim), bytes);
    const verify = await run(['verify-backup', backupId, '--json'], env);
    expect(verify.exitCode).toBe(8);
    expect(verify.json).toMatchObject({ ok: false, problems: [{ file: victim }], error: { code: 'OEF-300' } });
  }, 240_000); // three backup runs, info, check twice and a re-hash: long on a loaded 2-core machine

  it('refuses a bad configuration with file, line and key before anything runs', async () => {
    const sim = newSim({ serve: true });
    const conf = join(sim.dir, 'oeflow.conf');
    const cases: { text: string; line: number; key: string; code: string; mode?: number }[] = [
      {
        text: `repo = "${sim.dir}/repo"\n[db.sports]\npath = "${sim.db}"\nmax-quite = "5m"\n`,
        line: 4,
        key: 'db.sports.max-quite',
        code: 'OEF-120',
      },
      {
        text: `[db.sports]\npath = "${sim.db}"\n\nmax-quiet = "five minutes"\n`,
        line: 4,
        key: 'db.sports.max-quiet',
        code: 'OEF-120',
      },
      {
        text: `repo = "${sim.dir}/repo"\nsigning-key = "/secure/dba.key"\n[db.sports]\npath = "${sim.db}"\n`,
        line: 2,
        key: 'signing-key',
        code: 'OEF-121',
        mode: 0o644,
      },
    ];
    for (const c of cases) {
      writeFileSync(conf, c.text);
      chmodSync(conf, c.mode ?? 0o600);
      const r = await run(['backup', 'online', 'sports', '--config', conf, '--json'], {
        PATH: process.env['PATH']!,
        HOME: sim.dir,
        DLC: sim.dlc,
        OEFLOW_STATE: join(sim.dir, 'state.db'),
      });
      expect(r.exitCode).toBe(2);
      expect(r.json.error).toMatchObject({ code: c.code, details: { file: conf, line: c.line, key: c.key } });
    }
    expect(invocations(sim.dlc, '-C', 'busy')).toHaveLength(0); // no utility ran
    expect(invocations(sim.dlc, 'enable')).toHaveLength(0);
    expect(existsSync(join(sim.dir, 'state.db'))).toBe(false);
  });
});
