// The simulated utilities' outputs, return codes and state changes (docs/openedge.md §1–§7).
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLk } from '../../src/sim/lk-file.js';
import { readMaster } from '../../src/sim/master-block.js';
import { dbPaths } from '../../src/sim/paths.js';
import { useInProcessCli } from '../helpers/oeflow.js';
import { CLI_JS, useSim, type Sim } from '../helpers/sim.js';

// `oeflow sim load` and `sim digest` need no process of their own: run them in this one
useInProcessCli();

const lg = (sim: Sim): string => readFileSync(`${sim.db}.lg`, 'utf8');
const waitFor = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('proutil busy/holder', () => {
  const newSim = useSim();

  it('returns 0/0 offline, 6/16 when served, 6/14 with a single-user .lk', async () => {
    const sim = newSim();
    const codes = async (): Promise<number[]> => [
      (await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode,
      (await sim.run('proutil', [sim.db, '-C', 'holder'])).exitCode,
    ];
    expect(await codes()).toEqual([0, 0]);
    await sim.run('proserve', [sim.db]);
    expect(await codes()).toEqual([6, 16]);
    await sim.run('proshut', [sim.db, '-by']);
    createLk(`${sim.db}.lk`, 1, process.pid);
    expect(await codes()).toEqual([6, 14]);
  });

  it('reads a .lk too short to hold mode and pid (its writer killed half way) as in use, and no open takes it over', async () => {
    const sim = newSim();
    writeFileSync(`${sim.db}.lk`, '');
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6);
    const open = await sim.run('proutil', [sim.db, '-C', 'truncate', 'bi']);
    expect(open.exitCode).not.toBe(0);
    expect(open.stdout).toContain('(276)');
    expect(readFileSync(`${sim.db}.lk`)).toHaveLength(0);
  });
});

describe('rfutil aimage', () => {
  const newSim = useSim();

  it('lists extents in the exact docs/openedge.md §4 layout', async () => {
    const sim = newSim({ aiExtents: 2, aiType: 'fixed', aiSizeKb: 32 });
    const r = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list']);
    const body = r.stdout.split('\n').slice(2).join('\n');
    expect(body).toMatch(
      new RegExp(
        `^${[
          'Extent:  1',
          'Status:  Busy',
          '  Type:  Fixed Length',
          `  Path:  ${sim.db}.a1`,
          '  Size:  32',
          '  Used:  1',
          ' Start:  \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}',
          'LastOp:  N/A',
          ' Seqno:  1',
          '',
          'Extent:  2',
          'Status:  Empty',
          '  Type:  Fixed Length',
          `  Path:  ${sim.db}.a2`,
          '  Size:  32',
          '  Used:  0',
          ' Start:  N/A',
          'LastOp:  N/A',
          ' Seqno:  0',
          '',
        ].join('\n')}$`,
      ),
    );
  });

  it('answers aimage query with the bare value, upper-case status, and ALL as a list block', async () => {
    const sim = newSim();
    const q = async (...a: string[]): Promise<string> =>
      (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'query', ...a])).stdout.split('\n').slice(2).join('\n').trim();
    expect(await q('status', 'by', 'extnum', '1')).toBe('BUSY');
    expect(await q('name', 'by', 'sequence', '1')).toBe(`${sim.db}.a1`);
    expect(await q('sequence', 'by', 'name', `${sim.db}.a2`)).toBe('0');
    expect(await q('all', 'by', 'extnum', '2')).toMatch(/^Extent: {2}2\nStatus: {2}Empty\n/);
  });

  it('switches with aimage new, then extent full/empty pick the oldest FULL extent (3789)', async () => {
    const sim = newSim({ aiExtents: 3 });
    const n1 = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    expect(n1.stdout).toContain('Switched to ai extent sports.a2. (3777)');
    expect(n1.stdout).toContain('This is after-image file number 2 since the last AIMAGE BEGIN (3778)');
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'full'])).stdout.trim().split('\n').pop()).toBe(
      `${sim.db}.a1`,
    );
    const e = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty']);
    expect(e.messages).toEqual([3789]);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'full'])).stdout.trim().split('\n').pop()).toBe(
      `${sim.db}.a2`,
    );
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty', '3'])).messages).toEqual([90008]);
  });

  it('scans any AI file: 1640–1643 header with the sequence, then the trailer counts', async () => {
    const sim = newSim();
    await sim.run('proserve', [sim.db]);
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '20']);
    const r = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', `${sim.db}.a1`]);
    expect(r.messages).toEqual([1633, 1640, 1642, 1643, 1634, 3785, 1635, 11138, 1636]);
    expect(r.stdout).toContain('    This is aimage file number 1 since the last AIMAGE BEGIN. (1642)');
    expect(r.stdout).toContain('20 transactions were completed. (11138)');
  });
});

describe('proutil describe', () => {
  const newSim = useSim();

  it('shows the AI section from the master block and the replication feature row', async () => {
    const sim = newSim({ replication: 'source' });
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    const out = (await sim.run('proutil', [sim.db, '-C', 'describe'])).stdout;
    expect(out).toContain('OpenEdge Database Description');
    expect(out).toContain(`Database Name               : ${sim.db}`);
    expect(out).toContain('  Current File Number       : 2');
    expect(out).toContain('  Currently Busy Area       : 9');
    expect(out).toMatch(/\n {5}1 {2}OpenEdge Replication {15}Yes {5}Source\n/);
  });
});

describe('sequence and mark backedup', () => {
  const newSim = useSim();

  it('sets expected = current: 12428 with the old and new numbers', async () => {
    const sim = newSim();
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    expect((await sim.run('rfutil', [sim.db, '-C', 'sequence'])).stdout).toContain(
      'Ai sequence 1 changed to 3 (12428)',
    );
    expect(lg(sim)).toContain('RFUTIL  5: (12428) Ai sequence 1 changed to 3');
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    expect((await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup'])).messages).toEqual([90006]);
    expect((await sim.run('rfutil', [sim.db, '-C', 'sequence'])).stdout).toContain(
      'Ai sequence 4 changed to 4 (12428)',
    );
  });
});

describe('prostrct list', () => {
  const newSim = useSim();

  it("writes the control area's structure to the named file, leaving <db>.st alone, when the database is served and quiet", async () => {
    const sim = newSim({ serve: true });
    writeFileSync(`${sim.db}.st`, 'b /stale.b1\n');
    expect((await sim.run('proquiet', [sim.db, 'enable'])).exitCode).toBe(0);
    const out = join(sim.dir, 'listed.st');
    const r = await sim.run('prostrct', ['list', sim.db, out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `AreaName: ControlArea, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1\n   Ext # 1, Type VARIABLE, Size`,
    );
    expect(r.stdout).toContain(`Name: ${sim.db}_7.d1`);
    expect(readFileSync(out, 'utf8')).toContain(`d "Data Area":7,64;8 ${sim.db}_7.d1`);
    expect(readFileSync(`${sim.db}.st`, 'utf8')).toBe('b /stale.b1\n');
    await sim.run('proquiet', [sim.db, 'disable']);
  });
});

describe('roll forward', () => {
  const newSim = useSim();

  it('applies an -ailist in sequence order, skipping comments and non-AI files', async () => {
    const sim = newSim({ aiExtents: 3 });
    const copy = join(sim.dir, 'copy');
    expect(
      (
        await sim.bash(
          `mkdir ${copy} && cp -a db/. ${copy}/ && prostrct list ${copy}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${copy}/|" ${copy}/sports.st && prostrct repair ${copy}/sports >/dev/null`,
        )
      ).exitCode,
    ).toBe(0);
    await sim.run('proserve', [sim.db]);
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '30']);
    await sim.run('proshut', [sim.db, '-by']);
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    const list = join(sim.dir, 'list');
    writeFileSync(list, `# files\n${sim.db}.a2\n* comment\n${sim.db}.st\n${sim.db}.a1\n`);
    await sim.run('rfutil', [`${copy}/sports`, '-C', 'sequence']);
    const r = await sim.run('rfutil', [`${copy}/sports`, '-C', 'roll', 'forward', '-ailist', list]);
    expect(r.messages.filter((m) => [90018, 17047, 90015, 8019].includes(m))).toEqual([
      90018, 17047, 90015, 17047, 90015,
    ]);
    expect(r.stdout.indexOf(`${sim.db}.a1 (17047)`)).toBeLessThan(r.stdout.indexOf(`${sim.db}.a2 (17047)`));
    expect((await sim.oeflow(['sim', 'digest', `${copy}/sports`])).stdout).toBe(
      (await sim.oeflow(['sim', 'digest', sim.db])).stdout,
    );
  });

  it('stops at endtime with 17923; the same file again is 8019 and the next one fails the update counter check (1028 + 8999)', async () => {
    const sim = newSim();
    const copy = join(sim.dir, 'copy');
    await sim.bash(
      `mkdir ${copy} && cp -a db/. ${copy}/ && prostrct list ${copy}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${copy}/|" ${copy}/sports.st && prostrct repair ${copy}/sports >/dev/null`,
    );
    await sim.run('proserve', [sim.db]);
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '10']);
    await new Promise((r) => setTimeout(r, 1100));
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '10']);
    await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new']);
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '5']);
    await sim.run('proshut', [sim.db, '-by']);
    // the groups that end a transaction: whole ones and the ends of those that stayed active across others
    const txs = readFileSync(`${sim.db}.a1`, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => /^\{"t":"(tx|end)"/.test(l))
      .map((l) => JSON.parse(l) as { end: number });
    const cut = new Date(Math.ceil(((txs[9]?.end ?? 0) + 1) / 1000) * 1000);
    const p = (n: number): string => String(n).padStart(2, '0');
    const endtime = `${cut.getFullYear()}:${p(cut.getMonth() + 1)}:${p(cut.getDate())}:${p(cut.getHours())}:${p(cut.getMinutes())}:${p(cut.getSeconds())}`;
    const r = await sim.run('rfutil', [
      `${copy}/sports`,
      '-C',
      'roll',
      'forward',
      'endtime',
      endtime,
      '-a',
      `${sim.db}.a1`,
    ]);
    expect(r.messages.slice(-2)).toEqual([90015, 17923]);
    expect(r.stdout).toContain('10 transactions were completed. (11138)');
    const again = await sim.run('rfutil', [`${copy}/sports`, '-C', 'roll', 'forward', '-a', `${sim.db}.a1`]);
    expect({ m: again.messages, rc: again.exitCode }).toEqual({ m: [8019, 833, 11014], rc: 1 });
    const next = await sim.run('rfutil', [`${copy}/sports`, '-C', 'roll', 'forward', '-a', `${sim.db}.a2`]);
    expect({ m: next.messages.slice(-2), rc: next.exitCode }).toEqual({ m: [1028, 8999], rc: 1 });
  });
});

describe('proshut', () => {
  const newSim = useSim();

  it('lists the broker and load clients, and -bn refuses while a client is connected', async () => {
    const sim = newSim({ aiSizeKb: 4096 });
    await sim.run('proserve', [sim.db]);
    const load = sim.background(process.execPath, [CLI_JS, 'sim', 'load', sim.db, '--tx', '1000000', '--rate', '200']);
    await waitFor(() => lg(sim).includes('(452) Login by'));
    const list = await sim.run('proshut', [sim.db, '-C', 'list']);
    expect(list.stdout).toContain('usr    pid    time of login           user id    Type  tty           Limbo?');
    expect(list.stdout).toMatch(/\n {2}5 +\d+ .* SELF {2}batch {9}no\n/);
    expect((await sim.run('proshut', [sim.db, '-bn'])).messages).toEqual([90031]);
    const by = await sim.run('proshut', [sim.db, '-by']);
    expect({ m: by.messages, rc: by.exitCode }).toEqual({ m: [1613, 1614], rc: 0 });
    expect((await load).exitCode).not.toBe(0);
    expect(existsSync(`${sim.db}.lk`)).toBe(false);
    expect(lg(sim)).toContain('BROKER  0: (334) Multi-user session end.');
  });

  it('-byF kills the broker, removes the .lk and marks the database crashed', async () => {
    const sim = newSim();
    await sim.run('proserve', [sim.db]);
    const pid = readMaster(dbPaths(sim.db)).state === 'open' ? readFileSync(`${sim.db}.lk`).readInt32LE(4) : -1;
    expect((await sim.run('proshut', [sim.db, '-byF'])).exitCode).toBe(0);
    expect(existsSync(`${sim.db}.lk`)).toBe(false);
    expect(readMaster(dbPaths(sim.db)).state).toBe('crashed');
    await waitFor(() => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'));
    const f = await sim.run('proshut', [sim.db, '-F']);
    expect(f.messages).toEqual([1423]);
  });
});

describe('broker', () => {
  const newSim = useSim();

  it('shuts down by itself when its .lk is deleted (4195)', async () => {
    const sim = newSim();
    await sim.run('proserve', [sim.db]);
    unlinkSync(`${sim.db}.lk`);
    await waitFor(() => lg(sim).includes('(334) Multi-user session end.'));
    expect(lg(sim)).toContain(`(4195) ${sim.db}.lk is missing, shutting down...`);
  });

  it('shuts the database down when AI is full, and sim load fails with OEF-203', async () => {
    const sim = newSim({ aiExtents: 2, aiSizeKb: 16 });
    await sim.run('proserve', [sim.db]);
    const r = await sim.oeflow(['--json', 'sim', 'load', sim.db, '--tx', '1000']);
    expect(r.exitCode).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'error', error: { code: 'OEF-203' } });
    await waitFor(() => !existsSync(`${sim.db}.lk`));
    expect(lg(sim)).toContain("(90001) Can't switch to after-image extent");
  });

  it('stalls writers with -aistall until an extent is archived, then continues', async () => {
    const sim = newSim({ aiExtents: 2, aiSizeKb: 16 });
    await sim.run('proserve', [sim.db, '-aistall']);
    const load = sim.oeflow(['--json', 'sim', 'load', sim.db, '--tx', '200']);
    await waitFor(() => lg(sim).includes('(90010) Forward processing stalled'));
    const a = await sim.oeflow(['--json', 'sim', 'archive', sim.db, '--to', join(sim.dir, 'arch')]);
    expect((JSON.parse(a.stdout) as { archived: unknown[] }).archived).toHaveLength(1);
    const r = await load;
    expect(JSON.parse(r.stdout)).toMatchObject({ committed: 200 });
    expect(lg(sim)).toContain('(90011) Forward processing continuing.');
  });
});
