// OFFLINE-7: restart the database server (unless the operator asked for --no-restart).
import { busyState, requireSuccess } from './probes.js';
import type { Step } from './step.js';

export const restart = {
  id: 'restart',
  title: 'Restart the database server (proserve)',
  kb: 'OFFLINE-7',
  effect: 'idempotent',
  probe: async (env) => ({ busy: await busyState(env, env.ctx.input.db) }),
  async run(env, probe) {
    if (env.ctx.input.restart === false) return { restarted: false, note: '--no-restart: left shut down' };
    if (probe.busy === 'in-use') return { restarted: true, alreadyRunning: true };
    requireSuccess(await env.tools.proserve(env.ctx.input.db, env.ctx.input.proserveArgs ?? [], { signal: env.signal }), 'proserve');
    return { restarted: true, startedAt: new Date().toISOString() };
  },
  reconcile: (now) => (now.busy === 'in-use' ? { verdict: 'done', facts: { restarted: true } } : { verdict: 'not-done' }),
} satisfies Step<{ busy: string }>;
