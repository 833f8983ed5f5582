// Every utility accepts the standard startup parameters anywhere on its command line, and the
// executables behind the scripts exist (docs/openedge.md §0, §4 general syntax; docs/simulator.md rows 0.7, 4.1, 4.3, 6.10).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSim } from '../helpers/sim.js';

describe('standard startup parameters', () => {
  const newSim = useSim();

  it('are accepted by every utility, before or after the qualifier', async () => {
    const sim = newSim();
    const cp = ['-cpinternal', 'ISO8859-1', '-cpstream', 'UTF-8'];
    const list = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list', ...cp]);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toContain('Status:  Busy');
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'list', '-T', sim.dir])).exitCode).toBe(0);
    expect(
      await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup', '-userid', 'dba', '-password', 'secret']),
    ).toMatchObject({ exitCode: 0, messages: [90006] });
    expect(
      await sim.run('rfutil', [
        sim.db,
        '-U',
        'dba',
        '-P',
        'secret',
        '-C',
        'aimage',
        'scan',
        '-a',
        `${sim.db}.a1`,
        '-Passphrase',
      ]),
    ).toMatchObject({ exitCode: 0 });
    expect((await sim.run('prostrct', ['list', sim.db, join(sim.dir, 'listed.st'), '-RO'])).exitCode).toBe(0);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy', '-T', sim.dir, ...cp])).exitCode).toBe(0);
    expect((await sim.run('proserve', [sim.db, ...cp, '-T', sim.dir])).exitCode).toBe(0);
    expect((await sim.run('proquiet', [sim.db, 'enable', '-U', 'dba', '-P', 'x'])).exitCode).toBe(0);
    expect((await sim.run('proquiet', [sim.db, 'disable', '-cpinternal', 'UTF-8'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by', '-cpinternal', 'UTF-8'])).exitCode).toBe(0);
  });

  it('refuses a value parameter without its value (90039), changing nothing', async () => {
    const sim = newSim();
    const before = sim.hashDir();
    expect(await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup', '-T'])).toMatchObject({
      exitCode: 1,
      messages: [90039],
    });
    expect(sim.hashDir()).toBe(before);
  });
});

describe('the executables behind the scripts', () => {
  const newSim = useSim();

  it('_mprosrv, _proutil, _rfutil, _dbutil prostrct and _mprshut do what their scripts do', async () => {
    const sim = newSim();
    const viaScript = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list']);
    const viaExe = await sim.run('_rfutil', [sim.db, '-C', 'aimage', 'list']);
    expect(viaExe).toMatchObject({ exitCode: 0, stdout: viaScript.stdout });
    expect((await sim.run('_dbutil', ['prostrct', 'list', sim.db, join(sim.dir, 'x.st')])).exitCode).toBe(0);
    expect((await sim.run('_mprosrv', [sim.db])).exitCode).toBe(0);
    expect((await sim.run('_proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6);
    expect(await sim.run('_mprshut', [sim.db, '-by'])).toMatchObject({ exitCode: 0, messages: [1613, 1614] });
    expect((await sim.run('_proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(0);
  });
});
