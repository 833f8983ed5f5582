// ONLINE-1: raise a quiet point; on an AI-enabled database this forces an AI switch,
// and the sequence it makes BUSY is where roll forward starts.
import { aiState, messageSummary, type AiState } from './probes.js';
import { fail, failure, type Step } from './step.js';

/** proquiet enable return codes (FACTS §5, KB P41028) mapped to oeflow codes. */
const enableRc: Record<number, [code: string, why: string]> = {
  2: ['OEF-204', 'cannot enable a quiet point with a single AI extent (rc 2)'],
  4: ['OEF-206', 'a quiet point has already been requested (rc 4)'],
  5: ['OEF-203', 'the quiet point could not switch AI extents: the next extent is not EMPTY (rc 5)'],
  6: ['OEF-206', 'a quiet point is already in effect (rc 6)'],
  16: ['OEF-205', 'the broker is not running or is shutting down (rc 16)'],
};

export const quietEnable = {
  id: 'quietEnable',
  title: 'Enable a quiet point (proquiet enable)',
  kb: 'ONLINE-1',
  effect: 'once',
  compensate: 'quietDisable',
  probe: (env) => aiState(env, env.ctx.input.db),
  precheck(p, env) {
    if (!p.enabled) return failure('invariant', 'OEF-202', `after-imaging is not enabled on ${env.ctx.input.db}`);
    if (p.extents < 2) return failure('invariant', 'OEF-204', 'a quiet point needs more than one AI extent');
    if (p.nextStatus !== 'Empty') return failure('invariant', 'OEF-203', `the next AI extent is ${p.nextStatus ?? 'missing'}, not EMPTY: the quiet point's AI switch would fail`);
    return null;
  },
  async run(env, before) {
    const r = await env.tools.quietEnable(env.ctx.input.db, { signal: env.signal });
    if (r.exitCode !== 0) {
      const [code, why] = enableRc[r.exitCode ?? -1] ?? ['OEF-050', `proquiet enable exited ${r.exitCode ?? r.signal}`];
      fail('failed', code, `${why}: ${messageSummary(r)}`);
    }
    const after = await aiState(env, env.ctx.input.db);
    return { enabledAt: new Date().toISOString(), previousSeq: before.busySeq, pairedSeq: after.busySeq, busyExtent: after.busyExtent };
  },
  factsWhenDecided: (now, intent) => ({ enabledAt: intent.at, previousSeq: intent.probe.busySeq, pairedSeq: now.busySeq, busyExtent: now.busyExtent }),
  // The enable switches AI first: a BUSY sequence one on means the broker took the request.
  reconcile(now, intent) {
    const was = intent.probe.busySeq;
    if (was !== null && now.busySeq === was + 1) {
      return { verdict: 'done', facts: { enabledAt: intent.at, previousSeq: was, pairedSeq: now.busySeq, busyExtent: now.busyExtent } };
    }
    if (now.busySeq === was) return { verdict: 'not-done' };
    return { verdict: 'unknown', why: `BUSY AI sequence was ${was} before proquiet enable and is ${now.busySeq} now` };
  },
} satisfies Step<AiState>;
