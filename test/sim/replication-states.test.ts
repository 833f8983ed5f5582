// AI extent states on a replication source (docs/openedge.md §3.13, §4.4, §4.21): a switched
// extent stays LOCKED until the target has it, then FULL; with the AI archiver, LOCKED →
// ARCHIVED → EMPTY; a LOCKED extent cannot be emptied.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

const status = async (sim: Sim, extent: number): Promise<string> =>
  (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'query', 'status', 'by', 'extnum', String(extent)])).stdout
    .trim()
    .split('\n')
    .pop() ?? '';

const target = async (sim: Sim, state: 'connected' | 'offline'): Promise<void> => {
  const r = await sim.oeflow(['sim', 'replication', sim.db, '--target', state, '--json']);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
};

describe('replication source AI extents', () => {
  it('keeps a switched extent LOCKED while the target is offline, refuses to empty it, and makes it FULL once replicated', async () => {
    const sim = newSim({ serve: true, replication: 'source' });
    await target(sim, 'offline');
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect(await status(sim, 1)).toBe('LOCKED');
    const list = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list']);
    expect(list.stdout).toMatch(/Extent:\s+1\n\s*Status:\s+Locked/);

    const before = sim.hashDir(join(sim.dir, 'db'));
    const empty = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty', '1']);
    expect(empty.exitCode).toBe(1);
    expect(empty.stdout).toContain('its status is LOCKED. (90008)');
    // `extent full` names the oldest FULL extent: a LOCKED one is not full yet (the Fathom guide)
    const full = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'full']);
    expect(full.messages).toEqual([90007]);
    expect(sim.hashDir(join(sim.dir, 'db'))).toBe(before);

    await target(sim, 'connected');
    expect(await status(sim, 1)).toBe('FULL');
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty', '1'])).messages).toEqual([3789]);
  });

  it('leaves an extent switched while the source is down LOCKED until the broker (and its replication server) starts', async () => {
    const sim = newSim({ replication: 'source' });
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect(await status(sim, 1)).toBe('LOCKED');
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect(await status(sim, 1)).toBe('FULL');
  });

  it('archives a LOCKED extent as ARCHIVED (kept) and empties it when the target catches up, with the AI archiver', async () => {
    const sim = newSim({ replication: 'source' });
    const arch = join(sim.dir, 'arch');
    expect((await sim.run('proserve', [sim.db, '-aiarchiver', '-aiarcdir', arch, '-aiarcdircreate'])).exitCode).toBe(0);
    await target(sim, 'offline');
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    // the daemon's next pass (every 5 s) archives it, but it stays until replicated
    const deadline = Date.now() + 15_000;
    while (!readFileSync(`${sim.db}.lg`, 'utf8').includes('(13154)') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await status(sim, 1)).toBe('ARCHIVED');
    expect(readdirSync(arch)).toHaveLength(1);
    expect(readFileSync(`${sim.db}.lg`, 'utf8')).not.toMatch(/\(3789\) Marked after-image extent sports\.a1 EMPTY/);

    await target(sim, 'connected');
    expect(await status(sim, 1)).toBe('EMPTY');
    expect(readFileSync(`${sim.db}.lg`, 'utf8')).toMatch(/\(3789\) Marked after-image extent sports\.a1 EMPTY/);
    expect(existsSync(join(arch, readdirSync(arch)[0]!))).toBe(true);
  });

  it('turns LOCKED into FULL when replication is disabled on the source', async () => {
    const sim = newSim({ replication: 'source' });
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect(await status(sim, 1)).toBe('LOCKED');
    expect((await sim.run('proutil', [sim.db, '-C', 'disablesitereplication', 'source'])).exitCode).toBe(0);
    expect(await status(sim, 1)).toBe('FULL');
  });

  it('refuses a target change on a database that is no replication source (OEF-001)', async () => {
    const sim = newSim();
    const r = await sim.oeflow(['sim', 'replication', sim.db, '--target', 'offline', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'OEF-001' } });
  });
});
