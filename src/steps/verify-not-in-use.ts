// OFFLINE-3/5: nothing may touch the database between OFFLINE-3 and the end of OFFLINE-5;
// checked before and after the copy by busy, holder and the .lk file.
import { lkStale } from '../openedge/liveness.js';
import { failure, type Step } from './step.js';

interface Probe { busy: string; holder: string; lk: { mode: number; pid: number; host: string; problem?: string } | null }

export const verifyNotInUse = {
  id: 'verifyNotInUse',
  title: 'Verify the database is not in use',
  kb: 'OFFLINE-3',
  effect: 'read',
  async probe(env) {
    const db = env.ctx.input.db;
    const [busy, holder, lk] = await Promise.all([
      env.tools.busy(db, { signal: env.signal }), env.tools.holder(db, { signal: env.signal }), env.tools.readLk(db),
    ]);
    // a well-formed .lk of a dead process on this host is stale, not a user (FACTS §2);
    // an unreadable one or one of an undocumented mode is never taken as stale
    const stale = lk !== null && lkStale(lk);
    return stale ? { busy: 'not-in-use', holder: 'not-in-use', lk: null } : { busy: busy.value, holder: holder.value, lk };
  },
  precheck: (p, env) =>
    p.busy === 'not-in-use' && p.holder === 'not-in-use' && p.lk === null
      ? null
      : failure('invariant', 'OEF-200', `${env.ctx.input.db} is in use (busy: ${p.busy}, holder: ${p.holder}${p.lk ? (p.lk.problem ? `, .lk ${p.lk.problem}` : `, .lk pid ${p.lk.pid} on ${p.lk.host}`) : ''}): nothing may touch it during an offline copy`),
  run: async () => ({ notInUse: true, checkedAt: new Date().toISOString() }),
} satisfies Step<Probe>;
