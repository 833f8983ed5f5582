// An encrypted simulated database (src/sim/encryption.ts): utilities that open it refuse without
// -Passphrase (90080) or with a wrong one (90081), changing nothing, and work with the right one
// read from stdin; the broker-side and lock-only calls need none; a plain database ignores it.
import { describe, expect, it } from 'vitest';
import { useSim } from '../helpers/sim.js';

describe('encrypted database', () => {
  const newSim = useSim();

  it('needs the passphrase on stdin with -Passphrase, refuses none or a wrong one before changing anything', async () => {
    const sim = newSim({ passphrase: 'open sesame' });
    const before = sim.hashDir();
    expect(await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup'])).toMatchObject({
      exitCode: 1,
      messages: [90080],
    });
    expect(
      await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup', '-Passphrase'], { input: 'sesame\n' }),
    ).toMatchObject({ exitCode: 1, messages: [90081] });
    expect(await sim.run('proserve', [sim.db])).toMatchObject({ exitCode: 1, messages: [90080] });
    expect(await sim.run('prostrct', ['repair', sim.db, `${sim.db}.st`])).toMatchObject({
      exitCode: 1,
      messages: [90080],
    });
    expect(sim.hashDir()).toBe(before);
    expect(
      (await sim.run('proutil', [sim.db, '-C', 'describe', '-Passphrase'], { input: 'open sesame\n' })).exitCode,
    ).toBe(0);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(0);
    expect((await sim.run('proserve', [sim.db, '-Passphrase'], { input: 'open sesame\n' })).exitCode).toBe(0);
    // through the broker, which opened the key store at start
    expect((await sim.run('proquiet', [sim.db, 'enable'])).exitCode).toBe(0);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
  });

  it('a plain database ignores -Passphrase', async () => {
    const sim = newSim();
    expect(
      (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list', '-Passphrase'], { input: 'anything\n' })).exitCode,
    ).toBe(0);
  });
});
