// ONLINE-4 after the disable: which AI sequence the quiet point made BUSY when extents also
// switched by themselves under load (docs/openedge.md §5, §7). A switch between the BUSY read
// before the enable and the .lg offset must not shift the pairing by one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { AiExtent } from '../../../src/openedge/types.js';
import { confirmQuietPoint } from '../../../src/steps/confirm-quiet-point.js';
import { fakeStepEnv } from '../../helpers/step-env.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const line = (n: number, text: string) => `[2026/12/01@10:00:0${n}.000+0000] P-5 T-5 I BROKER  0: ${text}`;
const switched = (n: number, ext: number) => line(n, `(3777) Switched to ai extent sports.a${ext}.`);
const enabled = (n: number) => line(n, '(5583) Quiet point has been enabled by the broker.');
const disabled = (n: number) => line(n, '(5584) Quiet point has been disabled by the broker.');

/** The database after the disable: its extents (extent number → [status, seqno]) and the .lg written since the offset. */
async function pairing(extents: Record<number, [AiExtent['status'], number]>, lg: string[], previousSeq: number) {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-cqp-'));
  dirs.push(dir);
  const db = join(dir, 'sports');
  writeFileSync(`${db}.lg`, `${lg.join('\n')}\n`);
  const list: Partial<AiExtent>[] = Object.entries(extents).map(([n, [status, seqno]]) => ({
    extent: Number(n),
    status,
    seqno,
    path: join(dir, `sports.a${n}`),
  }));
  const tools = { aimageList: async () => ({ value: list, messages: [], result: null }) } as unknown as OpenEdgeTools;
  const env = fakeStepEnv({
    stepKey: 'confirmQuietPoint',
    tools,
    input: { procedure: 'online-backup', db, destination: join(dir, 'bk') },
    facts: { quietEnable: { enabledAt: '2026-12-01T10:00:00.000Z', previousSeq, lgOffset: 0 } },
  });
  return confirmQuietPoint.run(env);
}

describe('confirmQuietPoint pairing', () => {
  it('pairs the sequence after the one read before the enable when that was the only switch', async () => {
    const facts = await pairing({ 1: ['Full', 5], 2: ['Busy', 6], 3: ['Empty', 0] }, [switched(1, 2), enabled(2)], 5);
    expect(facts).toMatchObject({ pairedSeq: 6, pairedBy: 'one switch since the enable' });
  });

  it('pairs the extent the quiet point switched to when a switch before the .lg offset is not in the lines', async () => {
    // BUSY was 5 (a1); a2 filled by itself (6) before the offset was taken; the quiet point switched to a3 (7);
    // the load filled a3 after the disable (a4: 8)
    const facts = await pairing(
      { 1: ['Full', 5], 2: ['Full', 6], 3: ['Full', 7], 4: ['Busy', 8] },
      [switched(1, 3), enabled(2), disabled(3), switched(4, 4)],
      5,
    );
    expect(facts).toMatchObject({ pairedSeq: 7, pairedBy: 'the .lg switch line' });
  });

  it('pairs the later of two switches logged before the enable', async () => {
    const facts = await pairing(
      { 1: ['Full', 5], 2: ['Full', 6], 3: ['Busy', 7] },
      [switched(1, 2), switched(2, 3), enabled(3)],
      5,
    );
    expect(facts).toMatchObject({ pairedSeq: 7 });
  });

  it('refuses when the extent the quiet point switched to was switched to again since (reused)', async () => {
    const run = pairing(
      { 1: ['Busy', 9], 2: ['Full', 7], 3: ['Full', 8] },
      [switched(1, 1), enabled(2), disabled(3), switched(4, 2), switched(5, 3), switched(6, 1)],
      5,
    );
    await expect(run).rejects.toMatchObject({ failure: { code: 'OEF-050' } });
  });

  it('refuses when no switch was logged before the quiet point was enabled', async () => {
    const run = pairing({ 1: ['Full', 5], 2: ['Busy', 7] }, [enabled(1), switched(2, 2)], 5);
    await expect(run).rejects.toMatchObject({ failure: { code: 'OEF-050' } });
  });
});
