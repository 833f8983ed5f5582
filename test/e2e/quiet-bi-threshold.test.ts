// The BI threshold (docs/openedge.md §5): with -bithold and -bistall the broker quiets the
// database itself when the BI reaches the threshold; proquiet enable and disable then answer
// rc 3 until `proquiet bithreshold` raises it (quiet state 4 while that change is made). An
// online backup meeting that stall is refused with OEF-208 and enables or disables nothing.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_JS, useSim, type Sim } from '../helpers/sim.js';
import { oeflow } from '../helpers/oeflow.js';

const newSim = useSim();

const lg = (sim: Sim): string => readFileSync(`${sim.db}.lg`, 'utf8');

async function waitForLog(sim: Sim, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!lg(sim).includes(text)) {
    if (Date.now() > deadline) throw new Error(`${text} never logged:\n${lg(sim).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('BI threshold stall (-bithold, -bistall)', () => {
  it('quiets the database at the threshold: proquiet rc 3, an online backup refused with OEF-208 touching nothing, and bithreshold lets work go on', async () => {
    const sim = newSim();
    // a BI already grown close to 3 MB (the smallest -bithold) by earlier work
    const line = `${JSON.stringify({ trid: 0, when: Date.now() })}\n`;
    appendFileSync(`${sim.db}.b1`, line.repeat(Math.floor((3 * 1024 * 1024 - 2000) / line.length)));
    expect((await sim.run('proserve', [sim.db, '-bithold', '3', '-bistall'])).exitCode).toBe(0);
    const load = sim.background(process.execPath, [CLI_JS, 'sim', 'load', sim.db, '--tx', '200', '--json']);
    await waitForLog(sim, '(90010) Forward processing stalled');
    expect(lg(sim)).toContain('(90048) Recovery log threshold of 3 MB has been reached.');

    const before = sim.hashDir();
    const enable = await sim.run('proquiet', [sim.db, 'enable']);
    expect([enable.exitCode, enable.messages]).toEqual([3, [90047]]);
    const disable = await sim.run('proquiet', [sim.db, 'disable']);
    expect([disable.exitCode, disable.messages]).toEqual([3, [90047]]);

    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const lgBefore = lg(sim).length;
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(r.exitCode, r.stdout + r.stderr).toBe(6);
    expect(r.json).toMatchObject({ status: 'failed', error: { code: 'OEF-208' } });
    // nothing of oeflow's enabled or disabled: the broker's stall is still there, nothing changed
    expect(lg(sim).slice(lgBefore)).not.toMatch(/\((5583|5584)\)/);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(3);
    expect(sim.hashDir()).toBe(before);

    // a threshold not one cluster above the BI is rejected; a higher one ends the stall
    const low = await sim.run('proquiet', [sim.db, 'bithreshold', '3']);
    expect([low.exitCode, low.messages]).toEqual([1, [90050]]);
    const raised = await sim.run('proquiet', [sim.db, 'bithreshold', '8']);
    expect([raised.exitCode, raised.messages]).toEqual([0, [90049]]);
    expect(raised.stdout).toContain('from 3 MB to 8 MB');
    const done = await load;
    expect(JSON.parse(String(done.stdout))).toMatchObject({ committed: 200 });
    expect(lg(sim)).toContain('(90011) Forward processing continuing.');
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });
});
