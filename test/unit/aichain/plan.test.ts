import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertChainProven, planAiChain } from '../../../src/aichain/plan.js';
import { isOeflowError } from '../../../src/errors.js';
import { BEGIN, fakeScanTools } from './fake-tools.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A temp dir holding empty files with the given names (contents are never read by the fake). */
function dirWith(names: string[]): string {
  const dir = tempDir('oeflow-ai-');
  for (const n of names) writeFileSync(path.join(dir, n), '');
  return dir;
}

describe('planAiChain', () => {
  it('proves the chain from a directory of archiver-named files when nothing is missing', async () => {
    const dir = dirWith([
      'aiarc~db.20080728.101732.00004.00000006.db.a1',
      'aiarc~db.20080728.101732.00004.00000007.db.a2',
      'notes.txt',
    ]);
    const p = (n: string): string => path.join(dir, n);
    const plan = await planAiChain({
      tools: fakeScanTools({
        [p('aiarc~db.20080728.101732.00004.00000006.db.a1')]: 6,
        [p('aiarc~db.20080728.101732.00004.00000007.db.a2')]: 7,
      }),
      db: '/db/scratch',
      inputs: [dir],
      pairedSeq: 6,
      aiBeginDate: BEGIN,
      until: '2024:05:01:17:10:00',
    });
    expect(plan).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 7, endtime: '2024:05:01:17:10:00', problems: [] });
    expect(plan.files.map((f) => f.seqno)).toEqual([6, 7]);
    expect(plan.skipped).toMatchObject([{ path: p('notes.txt') }]);
  });

  it('reports gap, foreign, duplicate, wrong-start and not-ai all at once', async () => {
    const dir = dirWith(['a5', 'a6', 'a6copy', 'a9', 'other', 'junk']);
    const p = (n: string): string => path.join(dir, n);
    const plan = await planAiChain({
      tools: fakeScanTools({
        [p('a5')]: 5,
        [p('a6')]: 6,
        [p('a6copy')]: 6,
        [p('a9')]: 9,
        [p('other')]: { seqno: 7, begin: 'Tue Jan  1 00:00:00 2019' },
      }),
      db: '/db/scratch',
      inputs: [dir, p('junk')],
      pairedSeq: 4,
      aiBeginDate: BEGIN,
    });
    expect(plan.ok).toBe(false);
    expect(plan.problems.map((x) => [x.kind, x.seqnos ?? x.paths])).toEqual([
      ['not-ai', [p('junk')]],
      ['foreign', [7]],
      ['duplicate', [6]],
      ['wrong-start', [4]],
      ['gap', [7, 8]],
    ]);
    let caught: unknown;
    try {
      assertChainProven(plan);
    } catch (e) {
      caught = e;
    }
    expect(isOeflowError(caught, 'OEF-320')).toBe(true);
    expect(isOeflowError(caught) && caught.message.split('\n')).toHaveLength(6);
    expect(isOeflowError(caught) && caught.details.problems).toEqual(plan.problems);
  });

  it('reports an unreadable input when a named file does not exist', async () => {
    const plan = await planAiChain({
      tools: fakeScanTools({}),
      db: '/db/x',
      inputs: ['/nonexistent/x.a1'],
      pairedSeq: 1,
      aiBeginDate: BEGIN,
    });
    expect(plan.problems.map((x) => x.kind)).toEqual(['unreadable', 'wrong-start']);
  });

  it('reports an archiver-named file in a directory when it is not an AI file', async () => {
    const dir = dirWith(['aiarc~db.20080728.101732.00000006.db.a1']);
    const plan = await planAiChain({
      tools: fakeScanTools({}),
      db: '/db/x',
      inputs: [dir],
      pairedSeq: 6,
      aiBeginDate: BEGIN,
    });
    expect(plan.problems.map((x) => x.kind)).toEqual(['not-ai', 'wrong-start']);
  });

  it('scans each file once when it is named and also inside a named directory', async () => {
    const dir = dirWith(['a1']);
    const scanned: string[] = [];
    const plan = await planAiChain({
      tools: fakeScanTools({ [path.join(dir, 'a1')]: 1 }, scanned),
      db: '/db/x',
      inputs: [dir, path.join(dir, 'a1')],
      pairedSeq: 1,
      aiBeginDate: BEGIN,
    });
    expect(scanned).toEqual([path.join(dir, 'a1')]);
    expect(plan.ok).toBe(true);
  });

  it('stops with the abort reason when the signal is aborted', async () => {
    const dir = dirWith(['a1']);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(
      planAiChain({
        tools: fakeScanTools({ [path.join(dir, 'a1')]: 1 }),
        db: '/db/x',
        inputs: [dir],
        pairedSeq: 1,
        aiBeginDate: BEGIN,
        signal: ac.signal,
      }),
    ).rejects.toThrow('stop');
  });

  it('does not throw when the plan is proven', () => {
    expect(() =>
      assertChainProven({
        ok: true,
        files: [],
        problems: [],
        skipped: [],
        firstSeq: null,
        lastSeq: null,
        decompressed: [],
      }),
    ).not.toThrow();
  });
});

describe('planAiChain subdirectories', () => {
  it('ignores subdirectories when expanding a directory', async () => {
    const dir = dirWith(['a1']);
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'a2'), '');
    const scanned: string[] = [];
    await planAiChain({
      tools: fakeScanTools({ [path.join(dir, 'a1')]: 1 }, scanned),
      db: '/db/x',
      inputs: [dir],
      pairedSeq: 1,
      aiBeginDate: BEGIN,
    });
    expect(scanned).toEqual([path.join(dir, 'a1')]);
  });
});
