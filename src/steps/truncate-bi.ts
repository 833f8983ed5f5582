// OFFLINE-2: truncate the before-image file; its success is also the sanity check after a forced shutdown.
import { busyState, requireSuccess } from './probes.js';
import { failure, type Step, type CommandShape } from './step.js';
import { truncateBiArgv } from '../openedge/argv.js';

const TRUNCATE_BI = { utility: 'proutil', words: ['-C', 'truncate', 'bi'] } as const satisfies CommandShape;

export const truncateBi = {
  id: 'truncateBi',
  title: 'Truncate the before-image file (proutil -C truncate bi)',
  kb: 'OFFLINE-2',
  effect: 'idempotent',
  effects: [TRUNCATE_BI],
  commands: ({ input }) => [{ ...TRUNCATE_BI, args: truncateBiArgv(input.db) }],
  probe: async (env) => ({ busy: await busyState(env, env.ctx.input.db) }),
  precheck: (probe, env) =>
    probe.busy === 'not-in-use'
      ? null
      : failure('invariant', 'OEF-200', `${env.ctx.input.db} is in use (${probe.busy}): truncate bi must run offline`),
  async run(env) {
    requireSuccess(await env.tools.truncateBi(env.ctx.input.db, { signal: env.signal }), 'proutil -C truncate bi');
    return { truncatedAt: new Date().toISOString() };
  },
} satisfies Step<{ busy: string }>;
