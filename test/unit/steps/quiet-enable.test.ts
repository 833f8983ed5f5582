// ONLINE-1's reads (issue 9, docs/architecture.md §4 "Reads not repeated"): the intent takes the
// AI picture preflight read in the same visit instead of a second `rfutil aimage list`; a
// reconcile always reads afresh, and a stale BUSY sequence there fails the step, never "done".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { AiExtent } from '../../../src/openedge/types.js';
import { quietEnable } from '../../../src/steps/quiet-enable.js';
import { fakeStepEnv } from '../../helpers/step-env.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const line = (text: string) => `[2026/12/01@10:00:05.000+0000] P-5 T-5 I BROKER  0: ${text}`;

/** A database whose `aimage list` shows these extents (extent number → [status, seqno]) and counts its calls. */
function database(extents: Record<number, [AiExtent['status'], number]>, lg: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-qe-'));
  dirs.push(dir);
  const db = join(dir, 'sports');
  writeFileSync(`${db}.lg`, lg.length ? `${lg.join('\n')}\n` : '');
  const calls = { aimageList: 0 };
  const list: Partial<AiExtent>[] = Object.entries(extents).map(([n, [status, seqno]]) => ({
    extent: Number(n),
    status,
    seqno,
    path: join(dir, `sports.a${n}`),
  }));
  const tools = {
    aimageList: async () => {
      calls.aimageList++;
      return { value: list, messages: [], result: null };
    },
    // no archiver: a FULL next extent is read once, not waited on
    describe: async () => ({ value: { aiArchiver: false }, result: null }),
  } as unknown as OpenEdgeTools;
  const env = (facts: Record<string, Record<string, unknown>>) =>
    fakeStepEnv({
      stepKey: 'quietEnable',
      tools,
      input: { procedure: 'online-backup', db, destination: join(dir, 'bk') },
      facts: facts as never,
    });
  return { env, calls };
}

const preflightFacts = { aiEnabled: true, extents: 3, busySeq: 5, busyExtent: 1, nextStatus: 'Empty' };

describe('quietEnable reads', () => {
  it("takes preflight's AI picture for its intent without calling aimage list", async () => {
    const { env, calls } = database({ 1: ['Busy', 5], 2: ['Empty', 0], 3: ['Empty', 0] });
    const probe = await quietEnable.intentProbe(env({ preflight: preflightFacts }));
    expect(probe).toEqual({ enabled: true, extents: 3, busySeq: 5, busyExtent: 1, nextStatus: 'Empty' });
    expect(calls.aimageList).toBe(0);
  });

  it('reads the extents itself when preflight recorded no AI picture', async () => {
    const { env, calls } = database({ 1: ['Full', 4], 2: ['Busy', 5], 3: ['Empty', 0] });
    const probe = await quietEnable.intentProbe(env({ preflight: { dlcVersion: 'x' } }));
    expect(probe).toMatchObject({ enabled: true, extents: 3, busySeq: 5, busyExtent: 2, nextStatus: 'Empty' });
    expect(calls.aimageList).toBe(1);
  });

  it("refuses from preflight's picture as from its own read (a single extent)", async () => {
    const { env } = database({ 1: ['Busy', 5] });
    const e = env({ preflight: { ...preflightFacts, extents: 1, nextStatus: 'Busy' } });
    expect(quietEnable.precheck(await quietEnable.intentProbe(e), e)).toMatchObject({ code: 'OEF-204' });
  });

  it('fails a reconcile that finds two switches since the BUSY sequence the intent recorded (one switched by itself), never done', async () => {
    // the intent recorded 5 (preflight's); a3 switched by itself (6), the quiet point switched to a1 (7)
    const { env, calls } = database({ 1: ['Busy', 7], 2: ['Full', 5], 3: ['Full', 6] }, [
      line('(3777) Switched to ai extent sports.a3.'),
      line('(3777) Switched to ai extent sports.a1.'),
      line('(5583) Quiet point has been enabled by the broker.'),
    ]);
    const e = env({ preflight: preflightFacts });
    const intent = { at: '2026-12-01T10:00:00.000Z', probe: await quietEnable.intentProbe(e) };
    const verdict = await quietEnable.reconcile(await quietEnable.probe(e), intent, e);
    expect(verdict).toMatchObject({ verdict: 'failed', failure: { code: 'OEF-050' } });
    expect(calls.aimageList).toBe(1); // the reconcile's own, fresh read
  });
});

describe('quietEnable and its guard', () => {
  it('asks for no quiet point when the guard ended before it watched (OEF-057)', async () => {
    const { env } = database({ 1: ['Busy', 5], 2: ['Empty', 0], 3: ['Empty', 0] });
    const e = env({ preflight: preflightFacts });
    let asked = 0;
    const tools = { ...e.tools, quietEnable: () => (asked++, Promise.reject(new Error('must not be called'))) };
    const step = {
      ...e,
      tools: tools as unknown as OpenEdgeTools,
      quietGuard: { arm: () => Promise.resolve({ state: 'ended', how: 'exit 1' } as const), release: () => undefined },
    };
    await expect(quietEnable.run(step, await quietEnable.intentProbe(e))).rejects.toMatchObject({
      failure: { kind: 'invariant', code: 'OEF-057', message: expect.stringContaining('exit 1') as unknown },
    });
    expect(asked).toBe(0);
  });
});
