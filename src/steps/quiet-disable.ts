// ONLINE-4: disable the quiet point. Idempotent: rc 7 ("does not need to be disabled") is success.
import { messageSummary } from './probes.js';
import { fail, type Facts, type Step } from './step.js';

export const quietDisable = {
  id: 'quietDisable',
  title: 'Disable the quiet point (proquiet disable)',
  kb: 'ONLINE-4',
  effect: 'idempotent',
  probe: async () => null,
  async run(env) {
    const r = await env.tools.quietDisable(env.ctx.input.db);
    // Never cancelled by the run's signal: a quiet point must always be disabled. Once it is
    // down, the guard double-checks (a late grant) and leaves.
    const down = (facts: Facts): Facts => { env.quietGuard.release('finalize'); return facts; };
    if (r.exitCode === 0) return down({ disabledAt: new Date().toISOString(), wasEnabled: true });
    if (r.exitCode === 7) return down({ disabledAt: new Date().toISOString(), wasEnabled: false });
    if (r.exitCode === 16) return down({ disabledAt: new Date().toISOString(), wasEnabled: false, note: 'broker gone: no quiet point survives it' });
    fail('failed', 'OEF-054', `proquiet disable exited ${r.exitCode ?? r.signal}: ${messageSummary(r)}`, `Disable it by hand now: proquiet ${env.ctx.input.db} disable`);
  },
} satisfies Step<null>;
