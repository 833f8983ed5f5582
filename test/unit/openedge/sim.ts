// A simulator database per test, on the sim colleague's test/helpers/sim.ts, with a
// cleanup that always shuts down any broker the test started before removing it all.
import { createSim } from '../../helpers/sim.js';

export interface SimDb {
  dir: string;
  dlc: string;
  db: string;
  /** `proshut <db> -by` (ignored if nothing runs), kills leftover sim processes, removes the dir. */
  cleanup(): Promise<void>;
}

/** A fresh simulated DLC and database (AI enabled, 4 AI extents) in a temp directory. */
export async function simInit(): Promise<SimDb> {
  const sim = createSim();
  return {
    dir: sim.dir,
    dlc: sim.dlc,
    db: sim.db,
    cleanup: async () => {
      await sim.run('proshut', [sim.db, '-by']);
      await sim.cleanup();
    },
  };
}
