// RF-3: a copy of a replication-enabled database must have replication disabled first.
// Idempotent by probing: a copy whose replication is already off is left as it is.
import { requireSuccess } from './probes.js';
import type { Step, CommandShape } from './step.js';
import { disableSiteReplicationArgv } from '../openedge/argv.js';

const DISABLE_REPLICATION = {
  utility: 'proutil',
  words: ['-C', 'disablesitereplication'],
} as const satisfies CommandShape;

export const disableReplication = {
  id: 'disableReplication',
  title: 'Disable site replication on the copy',
  kb: 'RF-3',
  effect: 'idempotent',
  effects: [DISABLE_REPLICATION],
  commands: ({ input }) =>
    input.replication === 'source' || input.replication === 'target'
      ? [{ ...DISABLE_REPLICATION, args: disableSiteReplicationArgv(input.db, input.replication) }]
      : [],
  probe: async (env) => ({
    replication: (await env.tools.describe(env.ctx.input.db, { signal: env.signal })).value.replication,
  }),
  async run(env, probe) {
    const role = env.ctx.input.replication;
    if (role !== 'source' && role !== 'target')
      return { skipped: true, note: 'the backed-up database does not replicate' };
    if (probe.replication === null) return { disabled: role, alreadyOff: true };
    requireSuccess(
      await env.tools.disableSiteReplication(env.ctx.input.db, role, { signal: env.signal }),
      `proutil -C disablesitereplication ${role}`,
    );
    return { disabled: role };
  },
  reconcile: (now, intent) =>
    now.replication === null && intent.probe.replication !== null
      ? { verdict: 'done', facts: { disabled: intent.probe.replication } }
      : { verdict: 'not-done' },
} satisfies Step<{ replication: 'source' | 'target' | null }>;
