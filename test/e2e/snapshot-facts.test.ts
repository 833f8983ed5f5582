// ONLINE-2: the snapshot command runs inside the quiet point, before the AI list is read
// (that happens after the disable). It is still told the sequence the quiet point's switch
// made current, and the run confirms that figure after the disable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('oeflow backup online --snapshot-cmd', () => {
  it('gives the snapshot command OEFLOW_FACT_PAIRED_AI_SEQ, equal to the sequence the run pairs the backup with', async () => {
    const sim = newSim({ serve: true });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const seen = join(sim.dir, 'paired-seq');
    const r = await oeflow(
      [
        'backup',
        'online',
        sim.db,
        '--to',
        join(sim.dir, 'bk'),
        '--snapshot-cmd',
        `printf %s "$OEFLOW_FACT_PAIRED_AI_SEQ" > ${seen}`,
      ],
      env,
    );
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    const paired = (r.json.facts as { confirmQuietPoint: { pairedSeq: number } }).confirmQuietPoint.pairedSeq;
    expect(Number.isInteger(paired)).toBe(true);
    expect(readFileSync(seen, 'utf8')).toBe(String(paired));
  });
});
