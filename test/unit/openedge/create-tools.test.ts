import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { createTools, resultOf } from '../../../src/openedge/create-tools.js';
import type { ToolResult } from '../../../src/openedge/types.js';
import { fakeDlc, fixture } from './helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('createTools', () => {
  it('parses aimage list and reports the run to onResult when rfutil succeeds', async () => {
    const { dlc, calls } = fakeDlc({ rfutil: { stdout: fixture('facts-aimage-list-protop.txt') } });
    const seen: ToolResult[] = [];
    const tools = createTools({ dlc, onResult: (r) => seen.push(r) });
    const { value, result } = await tools.aimageList('/db/s2k');
    expect(value.map((e) => e.seqno)).toEqual([0, 0, 15]);
    expect(seen).toEqual([result]);
    expect(calls()[0]?.argv).toEqual(['/db/s2k', '-C', 'aimage', 'list']);
  });

  it('throws OEF-013 carrying the run when aimage scan exits non-zero', async () => {
    const { dlc } = fakeDlc({ rfutil: { stdout: '** Cannot find or open file /x, errno = 2. (43)', exitCode: 1 } });
    let caught: unknown;
    try {
      await createTools({ dlc }).aimageScan('/db/x', '/x');
    } catch (e) {
      caught = e;
    }
    expect(isOeflowError(caught, 'OEF-013')).toBe(true);
    expect(resultOf(caught)?.messages.map((m) => m.number)).toEqual([43]);
  });

  it('classifies busy by exit code when proutil exits 6', async () => {
    const { dlc } = fakeDlc({ proutil: { exitCode: 6 } });
    expect((await createTools({ dlc }).busy('/db/x')).value).toBe('in-use');
  });

  it('returns a roll forward failure as a result when rfutil exits non-zero', async () => {
    const { dlc, calls } = fakeDlc({ rfutil: { stdout: fixture('facts-rf-fail-8019.txt'), exitCode: 1 } });
    const r = await createTools({ dlc }).rollForward('/db/x', '/ai/x.a2', { retry: true });
    expect(r.exitCode).toBe(1);
    expect(r.messages.map((m) => m.number)).toEqual([8019, 833, 11014]);
    expect(calls()[0]?.argv).toEqual(['/db/x', '-C', 'roll', 'forward', 'retry', '-a', '/ai/x.a2']);
  });

  it('reads .lk and .lg relative to cwd, and null/empty when they are absent', async () => {
    const dir = tempDir('oeflow-files-');
    const tools = createTools({ dlc: '/nowhere', cwd: dir });
    expect(await tools.readLk('x')).toBeNull();
    expect(await tools.rollForwardLog('x')).toEqual({ files: [], lastIncomplete: false });
    const lk = Buffer.alloc(38);
    lk.writeInt32LE(2, 0);
    lk.writeInt32LE(99, 4);
    lk.write('h1', 8);
    writeFileSync(path.join(dir, 'x.lk'), lk);
    writeFileSync(path.join(dir, 'x.lg'), fixture('synthetic-rf.lg.txt'));
    expect(await tools.readLk('x.db')).toEqual({ mode: 2, pid: 99, host: 'h1' });
    expect((await tools.rollForwardLog('x')).files).toHaveLength(3);
  });

  it('reports a .lk it cannot read as a problem (in use), not as absent or stale', async () => {
    const dir = tempDir('oeflow-files-');
    mkdirSync(path.join(dir, 'x.lk'));
    expect(await createTools({ dlc: '/nowhere', cwd: dir }).readLk('x')).toMatchObject({
      problem: 'cannot be read (EISDIR)',
    });
  });
});
