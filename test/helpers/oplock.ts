// ROLL FORWARD OPLOCK in tests (docs/openedge.md §4.41): what would run crash recovery on a
// protected database is refused, with the two texts the docs show.
import { expect } from 'vitest';
import type { Sim } from './sim.js';

export const OPLOCK_LOCKED = 'Target database has been locked during roll forward process.';
export const OPLOCK_UNLOCKED = 'Target database has been unlocked during roll forward process.';
const OPLOCK_WAIT = 'use the rfutil -C roll opunlock option to disable the protection.';

/** proserve and `truncate bi -F` on `db` are both refused (exit 1) while a roll forward protects it. */
export async function expectOpenRefused(sim: Sim, db: string): Promise<void> {
  for (const [utility, args] of [
    ['proserve', [db]],
    ['proutil', [db, '-C', 'truncate', 'bi', '-F']],
  ] as const) {
    const refused = await sim.run(utility, args);
    expect({ rc: refused.exitCode, out: refused.stdout }, utility).toMatchObject({
      rc: 1,
      out: expect.stringMatching(
        new RegExp(`${OPLOCK_LOCKED}[^]*${OPLOCK_WAIT.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}`),
      ) as unknown,
    });
  }
}
