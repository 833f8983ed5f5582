// ONLINE-4: disable the quiet point. Idempotent: rc 7 ("does not need to be disabled") is success.
import { messageSummary } from './probes.js';
import { fail, factText, type Step } from './step.js';

export const quietDisable = {
  id: 'quietDisable',
  title: 'Disable the quiet point (proquiet disable)',
  kb: 'ONLINE-4',
  effect: 'idempotent',
  probe: async () => null,
  async run(env) {
    const r = await env.tools.quietDisable(env.ctx.input.db);
    const disabledAt = new Date().toISOString();
    // Issue 9: how long production writes were held, from the enable's return to the disable's.
    const enabledAt = Date.parse(factText(env.ctx.facts.quietEnable?.enabledAt));
    const window = Number.isNaN(enabledAt) ? {} : { quietWindowMs: Date.parse(disabledAt) - enabledAt };
    // Never cancelled by the run's signal: a quiet point must always be disabled.
    if (r.exitCode === 0) return { disabledAt, wasEnabled: true, ...window };
    if (r.exitCode === 7) return { disabledAt, wasEnabled: false, ...window };
    if (r.exitCode === 16) return { disabledAt, wasEnabled: false, note: 'broker gone: no quiet point survives it', ...window };
    fail('failed', 'OEF-054', `proquiet disable exited ${r.exitCode ?? r.signal}: ${messageSummary(r)}`, `Disable it by hand now: proquiet ${env.ctx.input.db} disable`);
  },
} satisfies Step<null>;
