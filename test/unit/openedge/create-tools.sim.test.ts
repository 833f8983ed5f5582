// createTools against the simulator: each tool method once, on a real fake-$DLC process.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { createTools } from '../../../src/openedge/create-tools.js';
import { discoverDlc } from '../../../src/openedge/dlc.js';
import { hasMessage } from '../../../src/openedge/messages.js';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { ToolResult } from '../../../src/openedge/types.js';
import { parseSt, stFiles } from '../../../src/openedge/st-file.js';
import { simInit, type SimDb } from './sim.js';

let sim: SimDb;
let tools: OpenEdgeTools;
let seen: ToolResult[];

beforeEach(async () => {
  sim = await simInit();
  seen = [];
  tools = createTools({ dlc: sim.dlc, onResult: (r) => seen.push(r) });
});
afterEach(async () => sim.cleanup());

describe('createTools on the simulator', () => {
  it('discovers the simulated DLC', async () => {
    expect((await discoverDlc({ env: { DLC: sim.dlc } })).version).toMatch(/^OpenEdge Release /);
  });

  it('reports busy/holder/.lk states when the broker starts and stops', async () => {
    expect((await tools.busy(sim.db)).value).toBe('not-in-use');
    expect(await tools.readLk(sim.db)).toBeNull();
    expect((await tools.proserve(sim.db, [])).exitCode).toBe(0);
    expect((await tools.busy(sim.db)).value).toBe('in-use');
    expect((await tools.holder(sim.db)).value).toBe('multi-user');
    expect((await tools.readLk(sim.db))?.mode).toBe(2);
    const shut = await tools.proshut(sim.db, 'by');
    expect(shut.exitCode).toBe(0);
    expect((await tools.holder(sim.db)).value).toBe('not-in-use');
    expect(seen.map((r) => r.utility)).toEqual(['proutil', 'proserve', 'proutil', 'proutil', 'proshut', 'proutil']);
  });

  it('reads describe and aimage list, and the list follows aimage new', async () => {
    const d = (await tools.describe(sim.db)).value;
    expect(d).toMatchObject({ aiEnabled: true, currentAiFileNumber: 1, replication: null });
    expect((await tools.aimageNew(sim.db)).exitCode).toBe(0);
    const list = (await tools.aimageList(sim.db)).value;
    expect(list.map((e) => [e.status, e.seqno])).toEqual([
      ['Full', 1],
      ['Busy', 2],
      ['Empty', 0],
      ['Empty', 0],
    ]);
  });

  it('scans an AI header and throws OEF-013 for a non-AI file', async () => {
    const h = (await tools.aimageScan(sim.db, `${sim.db}.a1`)).value;
    expect(h.seqno).toBe(1);
    expect(h.aiBeginDate).toBe((await tools.describe(sim.db)).value.aiBeginDate);
    await expect(tools.aimageScan(sim.db, `${sim.db}.db`)).rejects.toSatisfy((e) => isOeflowError(e, 'OEF-013'));
  });

  it('truncates the BI and marks backed up when offline', async () => {
    expect((await tools.truncateBi(sim.db)).exitCode).toBe(0);
    expect((await tools.markBackedup(sim.db)).exitCode).toBe(0);
  });

  it('enables and disables a quiet point when the broker runs', async () => {
    await tools.proserve(sim.db, []);
    const on = await tools.quietEnable(sim.db);
    expect(hasMessage(on, 5583)).toBe(true);
    expect((await tools.quietDisable(sim.db)).exitCode).toBe(0);
    expect((await tools.quietDisable(sim.db)).exitCode).toBe(7);
  });

  it('writes the .st with prostrct list and repairs a moved copy with full paths', async () => {
    const st = path.join(sim.dir, 'out.st');
    expect((await tools.prostrctList(sim.db, st)).exitCode).toBe(0);
    expect(stFiles(parseSt(readFileSync(st, 'utf8')))).toContain(`${sim.db}.a1`);
    expect((await tools.prostrctRepair(sim.db, st)).exitCode).toBe(0);
  });

  it('runs sequence, then a failing and a successful roll forward, visible in the .lg', async () => {
    await tools.aimageNew(sim.db);
    const copyDir = path.join(sim.dir, 'copy');
    mkdirSync(copyDir);
    for (const f of readdirSync(path.dirname(sim.db)))
      if (!f.endsWith('.lk')) copyFileSync(path.join(path.dirname(sim.db), f), path.join(copyDir, f));
    const copy = path.join(copyDir, path.basename(sim.db));
    writeFileSync(`${copy}.st`, readFileSync(`${copy}.st`, 'utf8').replaceAll(path.dirname(sim.db), copyDir));
    expect((await tools.prostrctRepair(copy, `${copy}.st`)).exitCode).toBe(0);
    await tools.aimageNew(sim.db);
    expect(hasMessage(await tools.sequence(copy), 12428)).toBe(true);
    const wrong = await tools.rollForward(copy, `${sim.db}.a1`);
    expect(wrong.exitCode).not.toBe(0);
    expect(hasMessage(wrong, 8019)).toBe(true);
    const ok = await tools.rollForward(copy, `${sim.db}.a2`);
    expect(ok.exitCode).toBe(0);
    const log = await tools.rollForwardLog(copy);
    expect(log.files.at(-1)).toMatchObject({ path: `${sim.db}.a2`, completed: true });
  });

  it('refuses disablesitereplication on a database without replication', async () => {
    const r = await tools.disableSiteReplication(sim.db, 'source');
    expect(r.exitCode).not.toBe(0);
  });
});
