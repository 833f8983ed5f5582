// OFFLINE-7: restart the database server (unless the operator asked for --no-restart).
// "In use" is not "running": a utility or a single-user session left holding the database
// also makes busy say in use, so only a multi-user holder (a broker) counts as restarted.
import { busyState, requireSuccess } from './probes.js';
import { fail, type Step, type StepEnv, type CommandShape } from './step.js';
import { proserveArgv } from '../openedge/argv.js';

// every proserve call starts a broker: no words narrow it
const PROSERVE = { utility: 'proserve', words: [] } as const satisfies CommandShape;

/** Who holds the database now: a stale .lk (dead process on this host) counts as nobody. */
async function holderNow(env: StepEnv): Promise<string> {
  if ((await busyState(env, env.ctx.input.db)) === 'not-in-use') return 'not-in-use';
  return (await env.tools.holder(env.ctx.input.db, { signal: env.signal })).value;
}

export const restart = {
  id: 'restart',
  title: 'Restart the database server (proserve)',
  kb: 'OFFLINE-7',
  effect: 'idempotent',
  effects: [PROSERVE],
  commands: ({ input }) =>
    input.restart === false ? [] : [{ ...PROSERVE, args: proserveArgv(input.db, input.proserveArgs ?? []) }],
  probe: async (env) => ({ holder: await holderNow(env) }),
  async run(env, probe) {
    const { db } = env.ctx.input;
    if (env.ctx.input.restart === false)
      return { restarted: false, skipped: true, note: '--no-restart: left shut down' };
    if (probe.holder === 'multi-user') return { restarted: true, alreadyRunning: true };
    if (probe.holder !== 'not-in-use') {
      fail(
        'failed',
        'OEF-050',
        `${db} is held in ${probe.holder} mode (proutil -C holder), not by a server: it was NOT restarted. Find the process in the .lk / .lg, let it finish or stop it, then start the server with proserve`,
      );
    }
    requireSuccess(await env.tools.proserve(db, env.ctx.input.proserveArgs ?? [], { signal: env.signal }), 'proserve');
    const after = await holderNow(env);
    if (after !== 'multi-user')
      fail(
        'failed',
        'OEF-050',
        `proserve exited 0 but ${db} is ${after}, not served (proutil -C holder): it is NOT running; check ${db}.lg`,
      );
    return { restarted: true, startedAt: new Date().toISOString() };
  },
  reconcile: (now) =>
    now.holder === 'multi-user' ? { verdict: 'done', facts: { restarted: true } } : { verdict: 'not-done' },
} satisfies Step<{ holder: string }>;
