// PRE: check every precondition of the procedure before anything is changed, and
// record the database facts the later steps and the catalog need.
import { existsSync } from 'node:fs';
import { readManifest } from '../copy/index.js';
import { assertDbExists } from '../openedge/dlc.js';
import { aiState, busyState } from './probes.js';
import { failure, type Facts, type Step } from './step.js';

interface Probe {
  exists: boolean;
  busy: string | null;
  aiEnabled: boolean;
  extents: number;
  busySeq: number | null;
  nextStatus: string | null;
  aiBeginDate: string | null;
  databaseName: string | null;
  replication: string | null;
  manifestError: string | null;
}

export const preflight = {
  id: 'preflight',
  title: 'Check preconditions',
  kb: 'PRE',
  effect: 'read',
  async probe(env) {
    const { input } = env.ctx;
    if (input.procedure === 'roll-forward') {
      let manifestError: string | null = null;
      try { readManifest(input.backupDir!); } catch (err) { manifestError = err instanceof Error ? err.message : String(err); }
      const exists = existsSync(`${input.db}.db`);
      return {
        exists, busy: exists ? await busyState(env, input.db) : null, aiEnabled: false, extents: 0, busySeq: null, nextStatus: null,
        aiBeginDate: input.aiBeginDate ?? null, databaseName: input.db, replication: input.replication ?? null, manifestError,
      };
    }
    await assertDbExists(input.db);
    const [busy, ai, desc] = await Promise.all([busyState(env, input.db), aiState(env, input.db), env.tools.describe(input.db, { signal: env.signal })]);
    return {
      exists: true, busy, aiEnabled: ai.enabled && desc.value.aiEnabled, extents: ai.extents, busySeq: ai.busySeq, nextStatus: ai.nextStatus,
      aiBeginDate: desc.value.aiBeginDate, databaseName: desc.value.databaseName, replication: desc.value.replication, manifestError: null,
    };
  },
  precheck(p, env) {
    const { input } = env.ctx;
    if (input.procedure === 'roll-forward') {
      if (p.manifestError) return failure('failed', 'OEF-300', `the backup at ${input.backupDir} has no readable manifest: ${p.manifestError}`);
      if (p.busy !== null && p.busy !== 'not-in-use') return failure('invariant', 'OEF-211', `the restore target ${input.db} exists and is in use (${p.busy})`);
      return null;
    }
    if (!p.aiEnabled) return failure('invariant', 'OEF-202', `after-imaging is not enabled on ${input.db}`);
    if (input.procedure === 'online-backup') {
      if (p.busy !== 'in-use') return failure('invariant', 'OEF-205', `${input.db} is not running (busy: ${p.busy}): an online backup needs the broker`);
      if (p.extents < 2) return failure('invariant', 'OEF-204', `${input.db} has ${p.extents} AI extent(s): a quiet point needs more than one`);
    }
    if (p.nextStatus !== 'Empty') {
      return failure('invariant', 'OEF-203', `the AI extent after the BUSY one is ${p.nextStatus ?? 'missing'}, not EMPTY: the AI switch would fail`);
    }
    return null;
  },
  run: async (_env, p) => ({ ...p } as Facts),
} satisfies Step<Probe>;
