// RF-3: a copy of a replication-enabled database must have replication disabled first.
import { requireSuccess } from './probes.js';
import type { Step } from './step.js';

export const disableReplication = {
  id: 'disableReplication',
  title: 'Disable site replication on the copy',
  kb: 'RF-3',
  effect: 'idempotent',
  probe: async () => null,
  async run(env) {
    const role = env.ctx.input.replication;
    if (role !== 'source' && role !== 'target') return { skipped: true };
    requireSuccess(await env.tools.disableSiteReplication(env.ctx.input.db, role, { signal: env.signal }), `proutil -C disablesitereplication ${role}`);
    return { disabled: role };
  },
} satisfies Step<null>;
