// OFFLINE-1: shut the database down gracefully (proshut -by).
import { busyState, requireSuccess, waitUntil } from './probes.js';
import { fail, type Step, type CommandShape } from './step.js';
import { proshutArgv } from '../openedge/argv.js';

const PROSHUT_BY = { utility: 'proshut', words: ['-by'] } as const satisfies CommandShape;

export const shutdown = {
  id: 'shutdown',
  title: 'Shut the database down (proshut -by)',
  kb: 'OFFLINE-1',
  effect: 'idempotent',
  // a database the plan saw down is not shut down again (run() skips it too)
  effects: [PROSHUT_BY],
  commands: ({ input, world }) =>
    world.busy === 'not-in-use' ? [] : [{ ...PROSHUT_BY, args: proshutArgv(input.db, 'by') }],
  probe: async (env) => ({ busy: await busyState(env, env.ctx.input.db) }),
  async run(env, probe) {
    const db = env.ctx.input.db;
    // shutdownAt: from then on no session may begin (verify-not-in-use.ts, engine/world-check.ts)
    if (probe.busy === 'not-in-use') return { alreadyDown: true, shutdownAt: new Date().toISOString() };
    requireSuccess(await env.tools.proshut(db, 'by', { signal: env.signal }), 'proshut -by');
    const down = await waitUntil(async () => (await busyState(env, db)) === 'not-in-use', 60_000, env.signal);
    if (!down) fail('failed', 'OEF-200', `proshut -by returned but ${db} is still in use after 60 s`);
    return { alreadyDown: false, shutdownAt: new Date().toISOString() };
  },
  reconcile: (now, intent) =>
    now.busy === 'not-in-use'
      ? { verdict: 'done', facts: { alreadyDown: true, shutdownAt: intent.at } }
      : { verdict: 'not-done' },
} satisfies Step<{ busy: string }>;
