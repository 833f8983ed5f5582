// The chain proof's scan pool and cache: a second plan over unchanged files scans nothing, a
// copy of a scanned file is found by its content, a changed file is scanned again, and no more
// than `concurrency` scans run at once.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planAiChain } from '../../../src/aichain/plan.js';
import { contentFacts, SYNC_HASH_MAX_BYTES, type ScanToRemember } from '../../../src/aichain/scan-cache.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { BEGIN, fakeScanTools } from './fake-tools.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function setup(n: number): { dir: string; files: string[]; store: Store } {
  const dir = mkdtempSync(path.join(tmpdir(), 'oeflow-scan-cache-'));
  const files = Array.from({ length: n }, (_, i) => path.join(dir, `a${String(i + 1).padStart(3, '0')}`));
  files.forEach((f, i) => writeFileSync(f, `AI file ${i + 1}`));
  const store = openStore(path.join(dir, 'state.db'));
  cleanup.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, files, store };
}

describe('planAiChain with a scan cache', () => {
  it('scans nothing the second time when the files did not change', async () => {
    const { files, store } = setup(5);
    const headers = Object.fromEntries(files.map((f, i) => [f, i + 1]));
    const scanned: string[] = [];
    const plan = (): ReturnType<typeof planAiChain> =>
      planAiChain({
        tools: fakeScanTools(headers, scanned),
        db: '/db/x',
        inputs: files,
        pairedSeq: 1,
        aiBeginDate: BEGIN,
        cache: store,
      });
    expect((await plan()).ok).toBe(true);
    expect(scanned).toHaveLength(5);
    const again = await plan();
    expect(again).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 5 });
    expect(again.files.map((f) => f.path)).toEqual(files);
    expect(scanned).toHaveLength(5);
  });

  it('finds a copy of a scanned file by its content, and scans a changed file again', async () => {
    const { dir, files, store } = setup(2);
    const scanned: string[] = [];
    const copy = path.join(dir, 'copy-of-a001');
    await planAiChain({
      tools: fakeScanTools({ [files[0]!]: 1, [files[1]!]: 2 }, scanned),
      db: '/db/x',
      inputs: files,
      pairedSeq: 1,
      aiBeginDate: BEGIN,
      cache: store,
    });
    copyFileSync(files[0]!, copy);
    writeFileSync(files[1]!, 'AI file 2, grown');
    utimesSync(files[1]!, new Date(), new Date(Date.now() + 5_000));
    scanned.length = 0;
    const plan = await planAiChain({
      tools: fakeScanTools({ [files[1]!]: 2 }, scanned),
      db: '/db/x',
      inputs: [copy, files[1]!],
      pairedSeq: 1,
      aiBeginDate: BEGIN,
      cache: store,
    });
    expect(plan).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 2 });
    expect(scanned).toEqual([files[1]]);
  });

  it('keeps no more than `concurrency` scans in flight and reports in candidate order', async () => {
    const { files } = setup(12);
    let inFlight = 0;
    let most = 0;
    const tools = fakeScanTools(Object.fromEntries(files.map((f, i) => [f, i + 1])));
    const slow = {
      aimageScan: async (db: string, file: string) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        // yield, so that scans overlap
        await new Promise((resolve) => setImmediate(resolve));
        try {
          return await tools.aimageScan(db, file);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const plan = await planAiChain({
      tools: slow,
      db: '/db/x',
      inputs: files,
      pairedSeq: 1,
      aiBeginDate: BEGIN,
      concurrency: 3,
    });
    expect(most).toBe(3);
    expect(plan.files.map((f) => f.seqno)).toEqual(files.map((_, i) => i + 1));
  });

  it('remembers the scans of one plan in batches, not one write per file', async () => {
    const { files, store } = setup(7);
    const writes: number[] = [];
    const cache = {
      scanByIdentity: store.scanByIdentity.bind(store),
      scanByContent: store.scanByContent.bind(store),
      rememberScans: (scans: readonly ScanToRemember[]) => {
        writes.push(scans.length);
        store.rememberScans(scans);
      },
    };
    const scanned: string[] = [];
    const plan = () =>
      planAiChain({
        tools: fakeScanTools(Object.fromEntries(files.map((f, i) => [f, i + 1])), scanned),
        db: '/db/x',
        inputs: files,
        pairedSeq: 1,
        aiBeginDate: BEGIN,
        cache,
      });
    expect((await plan()).ok).toBe(true);
    expect(writes).toEqual([7]);
    expect((await plan()).ok).toBe(true);
    expect(scanned).toHaveLength(7); // the second plan found all seven in the store
    expect(writes).toEqual([7]); // and had nothing new to remember
  });
});

describe('contentFacts', () => {
  it('hashes a small file on the main thread and a big one in the pool, to the same digest as its bytes', async () => {
    const { dir } = setup(0);
    for (const [name, size] of [
      ['empty', 0],
      ['small', 3],
      ['limit', SYNC_HASH_MAX_BYTES],
      ['big', SYNC_HASH_MAX_BYTES + 4097],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, Buffer.alloc(size, name));
      const bytes = readFileSync(file);
      expect(await contentFacts(file)).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: size,
      });
    }
  });

  it('rejects for a missing file', async () => {
    const { dir } = setup(0);
    await expect(contentFacts(path.join(dir, 'missing'))).rejects.toThrow();
  });
});
