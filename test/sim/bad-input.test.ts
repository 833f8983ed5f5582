// Bad input gets the utility's real error (message number + exit code) and changes nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSim, type Sim } from '../helpers/sim.js';

async function expectRefused(
  sim: Sim,
  utility: string,
  args: string[],
  messages: number[],
  exitCode: number,
): Promise<void> {
  const before = sim.hashDir();
  const r = await sim.run(utility, args);
  expect({ messages: r.messages, exitCode: r.exitCode }).toEqual({ messages, exitCode });
  expect(sim.hashDir()).toBe(before);
}

describe('bad input', () => {
  const newSim = useSim();

  it('prints 43 when the database does not exist', async () => {
    const sim = newSim();
    await expectRefused(sim, 'rfutil', [join(sim.dir, 'nope'), '-C', 'aimage', 'list'], [43], 1);
    await expectRefused(sim, 'proutil', [join(sim.dir, 'nope'), '-C', 'busy'], [43], 1);
    const r = await sim.run('rfutil', [join(sim.dir, 'nope'), '-C', 'aimage', 'list']);
    expect(r.stdout).toContain(`** Cannot find or open file ${join(sim.dir, 'nope')}.db, errno = 2. (43)`);
  });

  it('prints 6921 when prostrct list is given an unknown database', async () => {
    const sim = newSim();
    const r = await sim.run('prostrct', ['list', join(sim.dir, 'nope')]);
    expect(r.stdout).toContain(
      `PROSTRCT LIST: file ${join(sim.dir, 'nope')}.db does not exist, command ignored. (6921)`,
    );
    expect(r.exitCode).toBe(1);
  });

  it('refuses prostrct repair when the .st is missing or has relative paths', async () => {
    const sim = newSim();
    await expectRefused(sim, 'prostrct', ['repair', sim.db, join(sim.dir, 'missing.st')], [43], 1);
    writeFileSync(join(sim.dir, 'rel.st'), 'b ./sports.b1\nd "Schema Area":6,32;1 ./sports.d1\n');
    await expectRefused(sim, 'prostrct', ['repair', sim.db, join(sim.dir, 'rel.st')], [12475, 90036], 1);
  });

  it('refuses prostrct repair when the .st has a different number of extents', async () => {
    const sim = newSim({ aiExtents: 2 });
    writeFileSync(
      join(sim.dir, 'short.st'),
      `b ${sim.db}.b1\nd "Schema Area":6,32;1 ${sim.db}.d1\nd "Data Area":7,64;8 ${sim.db}_7.d1\na ${sim.db}.a1\n`,
    );
    await expectRefused(sim, 'prostrct', ['repair', sim.db, join(sim.dir, 'short.st')], [90037], 1);
  });

  it('prints a usage message for an unknown qualifier', async () => {
    const sim = newSim();
    await expectRefused(sim, 'rfutil', [sim.db, '-C', 'aimage', 'bogus'], [90039], 1);
    await expectRefused(sim, 'proutil', [sim.db, '-C', 'frobnicate'], [90039], 1);
    await expectRefused(sim, 'rfutil', [sim.db, '-C', 'roll', 'forward'], [90039], 1);
    await expectRefused(sim, 'proquiet', [sim.db, 'sideways'], [90039], 1);
  });

  it('refuses a second proserve and single-user utilities with 276 while served', async () => {
    const sim = newSim();
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    await expectRefused(sim, 'proserve', [sim.db], [276], 1);
    await expectRefused(sim, 'proutil', [sim.db, '-C', 'truncate', 'bi'], [276], 1);
    await expectRefused(sim, 'rfutil', [sim.db, '-C', 'sequence'], [276], 1);
    await expectRefused(sim, 'rfutil', [sim.db, '-C', 'roll', 'forward', '-a', `${sim.db}.a1`], [276], 1);
    await expectRefused(sim, 'prostrct', ['repair', sim.db], [276], 1);
  });

  it('returns proquiet rc 2 with a single AI extent and rc 5 when the next extent is not EMPTY', async () => {
    const one = newSim({ aiExtents: 1 });
    await one.run('proserve', [one.db]);
    await expectRefused(one, 'proquiet', [one.db, 'enable'], [90022], 2);
    const two = newSim({ aiExtents: 2 });
    await two.run('rfutil', [two.db, '-C', 'aimage', 'new']);
    await two.run('proserve', [two.db]);
    await expectRefused(two, 'proquiet', [two.db, 'enable'], [90024], 5);
  });

  it('returns proquiet rc 16 without a broker and rc 7 when there is nothing to disable', async () => {
    const sim = newSim();
    await expectRefused(sim, 'proquiet', [sim.db, 'enable'], [90027], 16);
    await sim.run('proserve', [sim.db]);
    await expectRefused(sim, 'proquiet', [sim.db, 'disable'], [90026], 7);
  });

  it('refuses aimage new when no extent is EMPTY', async () => {
    const sim = newSim({ aiExtents: 2 });
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    await expectRefused(sim, 'rfutil', [sim.db, '-C', 'aimage', 'new'], [90001], 1);
  });

  it('prints 1423 when proshut finds no server', async () => {
    const sim = newSim();
    await expectRefused(sim, 'proshut', [sim.db, '-by'], [1423], 1);
  });
});
