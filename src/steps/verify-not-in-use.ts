// OFFLINE-3/5: nothing may touch the database between OFFLINE-3 and the end of OFFLINE-5;
// checked before and after the copy by busy, holder and the .lk file, and by the .lg: a
// session that began since the shutdown (someone started the database and stopped it again
// during the copy) makes the copy invalid too.
import { lkStale } from '../openedge/liveness.js';
import { openedEvidence } from '../openedge/opened-since.js';
import { failure, noCommands, type Step } from './step.js';
import { fact } from './step-facts.js';
import { allCalls } from '../openedge/all-calls.js';

interface Probe {
  busy: string;
  holder: string;
  lk: { mode: number; pid: number; host: string; problem?: string } | null;
  /** Sessions begun in the .lg since the database went down for this run. */
  openedSince?: { at: string; text: string }[];
}

/** When the database went down for this run: the shutdown's time, else the run's start. */
function downSince(env: Parameters<Step<Probe>['probe']>[0]): string {
  return fact(env.ctx.facts, 'shutdown', 'shutdownAt') ?? env.runStartedAt;
}

export const verifyNotInUse = {
  id: 'verifyNotInUse',
  title: 'Verify the database is not in use',
  kb: 'OFFLINE-3',
  effect: 'read',
  commands: noCommands,
  async probe(env) {
    const db = env.ctx.input.db;
    const [busy, holder, lk] = await allCalls([
      env.tools.busy(db, { signal: env.signal }),
      env.tools.holder(db, { signal: env.signal }),
      env.tools.readLk(db),
    ]);
    // a well-formed .lk of a dead process on this host is stale, not a user (docs/openedge.md §2);
    // an unreadable one or one of an undocumented mode is never taken as stale
    const stale = lk !== null && lkStale(lk);
    const openedSince = openedEvidence(db, Date.parse(downSince(env)))?.sessions ?? [];
    return stale
      ? { busy: 'not-in-use', holder: 'not-in-use', lk: null, openedSince }
      : { busy: busy.value, holder: holder.value, lk, openedSince };
  },
  precheck: (p, env) =>
    (p.openedSince?.length ?? 0) > 0
      ? failure(
          'invariant',
          'OEF-200',
          `${env.ctx.input.db} was opened since it went down for this backup (${p.openedSince!.map((s) => `${s.text} at ${s.at}`).join('; ')}): a copy taken around that is not a copy of one database state`,
        )
      : p.busy === 'not-in-use' && p.holder === 'not-in-use' && p.lk === null
        ? null
        : failure(
            'invariant',
            'OEF-200',
            `${env.ctx.input.db} is in use (busy: ${p.busy}, holder: ${p.holder}${p.lk ? (p.lk.problem ? `, .lk ${p.lk.problem}` : `, .lk pid ${p.lk.pid} on ${p.lk.host}`) : ''}): nothing may touch it during an offline copy`,
          ),
  run: async () => ({ notInUse: true, checkedAt: new Date().toISOString() }),
} satisfies Step<Probe>;
