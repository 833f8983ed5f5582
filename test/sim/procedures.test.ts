// The three procedures of docs/procedure.md run by hand (plain bash over the fake $DLC/bin,
// no oeflow engine) on a database under load, with the article's outcomes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_JS, ROOT, useSim, type Sim } from '../helpers/sim.js';

const SCRIPTS = join(ROOT, 'test/sim/scripts');

async function runScript(sim: Sim, name: string): Promise<Record<string, string>> {
  const r = await sim.bash(`bash ${join(SCRIPTS, name)}`, {
    env: { CLI_JS, WORK: sim.dir, DB: sim.db },
    timeoutMs: 90_000,
  });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out[m[1]] = (m[2] ?? '').trim();
  }
  if (out['source_digest'] === undefined) throw new Error(`${name} did not finish:\n${r.stdout}\n${r.stderr}`);
  return out;
}

describe('procedures by hand', () => {
  const newSim = useSim();

  it('restores the source digest after OFFLINE + sequence + roll forward, and shows each failure mode', async () => {
    const o = await runScript(newSim({ aiSizeKb: 128 }), 'offline.sh');
    expect(o['offline1']).toBe('1613 1614 rc=0');
    expect(o['load_rc']).not.toBe('0'); // the load client was disconnected by proshut -by
    expect(o['offline2']).toBe('1526 rc=0');
    expect(o['offline4']).toBe('3777 3778 rc=0');
    expect(o['offline6']).toBe('90006 rc=0');
    expect(Number(o['last'])).toBeGreaterThan(Number(o['first']));
    // A: sequence, the first roll forward prints the 663…846 box; out of order and repeated → 8019
    expect(o['a_sequence']).toBe('12428 rc=0');
    expect(o['a_out_of_order']).toBe('663 648 659 13292 846 8019 833 11014 rc=1');
    expect(o['a_roll']?.split(' ').every((rc) => rc === '0')).toBe(true);
    expect(o['a_repeat']).toBe('8019 833 11014 rc=1');
    expect(o['a_digest']).toBe(o['source_digest']);
    // B: without sequence → 8019 (expected 1); sequence afterwards is refused
    expect(o['b_roll']).toBe('663 648 659 13292 846 8019 833 11014 rc=1');
    expect(o['b_8019']).toBe(`Expected ai file number 1 but file specified is ${o['first']} in sequence. (8019)`);
    expect(o['b_sequence']).toBe('90014 rc=1');
    // C: the copy was opened before the roll forward
    expect(o['c_roll']).toBe('663 648 659 13292 846 831 832 833 11014 rc=1');
    // D: interrupted roll forward → only retry continues it
    expect(o['d_crash_rc']).toBe('137');
    expect(o['d_plain']).toBe('90019 rc=1');
    expect(o['d_retry']).toMatch(/^17047 .* 90015 rc=0$/);
    expect(o['d_digest']).toBe(o['source_digest']);
  });

  it('restores the source digest after ONLINE (quiet point under load) + sequence + roll forward', async () => {
    const o = await runScript(newSim({ aiSizeKb: 1024 }), 'online.sh');
    expect(o['online1']).toBe('5583 rc=0');
    expect(o['quiet_held']).toBe('yes');
    expect(o['copy_locked']).toBe('276 rc=1');
    expect(o['online4']).toBe('5584 rc=0');
    expect(o['load_moved']).toBe('yes');
    expect(o['close_last']).toBe('3777 3778 rc=0');
    expect(o['r_sequence']).toBe('12428 rc=0');
    expect(o['r_roll']?.split(' ').every((rc) => rc === '0')).toBe(true);
    expect(o['r_digest']).toBe(o['source_digest']);
  });
});
