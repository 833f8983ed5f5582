// OEFLOW_SIM_FAULTS (fail / hang / crash / @n), the invocation log, and the guarantee
// that no simulated process outlives its test.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/sim/faults.js';
import { readInvocations } from '../../src/sim/invocation-log.js';
import { readMaster } from '../../src/sim/master-block.js';
import { dbPaths } from '../../src/sim/paths.js';
import { listBrokers } from '../../src/sim/registry.js';
import { createSim, useSim } from '../helpers/sim.js';
import { eventually } from '../helpers/eventually.js';

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('faults', () => {
  const newSim = useSim();

  it('parses entries with qualifier words, mode, @n and arg, and reports bad ones', () => {
    const { faults, errors } = parseFaults(
      'rfutil:roll forward:crash-half@2; proquiet:enable:hang;bad;proutil:busy:explode',
    );
    expect(faults).toEqual([
      { utility: 'rfutil', words: 'roll forward', mode: 'crash-half', nth: 2, arg: null },
      { utility: 'proquiet', words: 'enable', mode: 'hang', nth: null, arg: null },
    ]);
    expect(errors).toHaveLength(2);
  });

  it('fail prints the real failure, exits 1 and changes nothing', async () => {
    const sim = newSim();
    const before = sim.hashDir();
    const r = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'], {
      env: { OEFLOW_SIM_FAULTS: 'rfutil:aimage new:fail' },
    });
    expect({ m: r.messages, rc: r.exitCode }).toEqual({ m: [90001], rc: 1 });
    expect(sim.hashDir()).toBe(before);
  });

  it('crash does the work, then dies by SIGKILL before printing success (the .lk stays)', async () => {
    const sim = newSim();
    const r = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'], {
      env: { OEFLOW_SIM_FAULTS: 'rfutil:aimage new:crash' },
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.messages).toEqual([]);
    expect(readMaster(dbPaths(sim.db)).ai.currentSeq).toBe(2);
    expect(existsSync(`${sim.db}.lk`)).toBe(true);
    const end = readInvocations(sim.dlc)
      .filter((l) => l.phase === 'end')
      .pop();
    expect(end).toMatchObject({ signal: 'SIGKILL', exitCode: null });
  });

  it('@n applies only to the n-th matching call, counted from the invocation log', async () => {
    const sim = newSim();
    const env = { OEFLOW_SIM_FAULTS: 'rfutil:aimage new:fail@2' };
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'], { env })).exitCode);
    expect(codes).toEqual([0, 1, 0]);
  });

  it('hang blocks before any change; the start line shows it began; cleanup kills it', async () => {
    const sim = createSim();
    try {
      await sim.run('proserve', [sim.db]);
      const before = readMaster(dbPaths(sim.db)).ai.currentSeq;
      const hung = sim.background(`${sim.dlc}/bin/proquiet`, [sim.db, 'enable'], {
        env: { OEFLOW_SIM_FAULTS: 'proquiet:enable:hang' },
      });
      // the hung line is written at the gate, where the call waits before it changes anything
      let pid: number | undefined;
      await eventually(
        () => {
          pid = readInvocations(sim.dlc).find((l) => l.phase === 'hung' && l.argv[0] === 'proquiet')?.pid;
          return pid !== undefined;
        },
        30_000,
        'proquiet held at its gate',
      );
      expect(readInvocations(sim.dlc).some((l) => l.phase === 'start' && l.pid === pid)).toBe(true);
      expect(readMaster(dbPaths(sim.db)).ai.currentSeq).toBe(before);
      expect(readMaster(dbPaths(sim.db)).quiet.state).toBe(0);
      expect(pid !== undefined && alive(pid)).toBe(true);
      const broker = listBrokers(sim.dlc)[0]?.pid ?? -1;
      await sim.cleanup();
      await hung;
      expect(alive(pid ?? -1)).toBe(false);
      expect(alive(broker)).toBe(false);
    } finally {
      await sim.cleanup();
    }
  });
});

describe('invocation log', () => {
  const newSim = useSim();

  it('records a start and an end line per call, with argv, cwd and exit code', async () => {
    const sim = newSim();
    await sim.run('proutil', [sim.db, '-C', 'holder']);
    const lines = readInvocations(sim.dlc);
    expect(lines.map((l) => l.phase)).toEqual(['start', 'end']);
    expect(lines[1]).toMatchObject({ argv: ['proutil', sim.db, '-C', 'holder'], cwd: sim.dir, exitCode: 0 });
  });
});

describe('cleanup', () => {
  it('kills every broker a sim started, including those of restored copies', async () => {
    const sim = createSim();
    await sim.run('proserve', [sim.db]);
    await sim.bash(
      `mkdir copy && cp -a db/. copy/ && rm copy/sports.lk && prostrct list copy/sports >/dev/null && sed -i "s|${sim.dir}/db/|${sim.dir}/copy/|" copy/sports.st && prostrct repair copy/sports >/dev/null && proserve copy/sports >/dev/null`,
    );
    const pids = listBrokers(sim.dlc).map((b) => b.pid);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    await sim.cleanup();
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.some(alive)).toBe(false);
  });
});
