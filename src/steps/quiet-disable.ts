// ONLINE-4: disable the quiet point. Idempotent: rc 7 ("does not need to be disabled") is
// success on the compensation paths (a failure, an abort, the watchdog), and after this
// step's own earlier attempt (a crash right after the disable). On the main path, a release
// the log shows before the run entered ONLINE-4 means someone (an operator, say) released the
// quiet point while the copy ran: the copy is no baseline, and the run fails instead of
// cataloguing it.
import { quietPointOfRun } from '../guard/quiet-point-log.js';
import { dbPaths } from '../openedge/dlc.js';
import { readTextFrom } from '../openedge/read-text-from.js';
import { messageSummary } from './probes.js';
import { fail, factText, type Facts, type Step, type CommandShape } from './step.js';
import { quietDisableArgv } from '../openedge/argv.js';

const QUIET_DISABLE = { utility: 'proquiet', words: ['disable'] } as const satisfies CommandShape;

/** The machines' main-path state for ONLINE-4; the others (quietDisableAfter…) compensate. */
const MAIN_PATH_STATE = 'quietDisable';

/** True when the log, from where it ended right before this run's `proquiet enable`, shows that quiet point released before the run entered ONLINE-4. */
async function releasedBeforeDisable(db: string, lgOffset: number, enteredAt: string | null): Promise<boolean> {
  if (!Number.isInteger(lgOffset) || lgOffset < 0 || enteredAt === null) return false;
  const qp = quietPointOfRun(await readTextFrom(dbPaths(db).lgFile, lgOffset).catch(() => ''), 0);
  return qp.state === 'released' && qp.releasedAtMs < Date.parse(enteredAt);
}

export const quietDisable = {
  id: 'quietDisable',
  title: 'Disable the quiet point (proquiet disable)',
  kb: 'ONLINE-4',
  effect: 'idempotent',
  effects: [QUIET_DISABLE],
  // the release of the quiet point is what an OS crash does too: no fsync of the journal inside
  // the quiet window before `proquiet disable` starts (docs/architecture.md §5.9)
  osCrashHasSameEffect: true,
  commands: ({ input }) => [{ ...QUIET_DISABLE, args: quietDisableArgv(input.db) }],
  probe: async () => null,
  async run(env) {
    const r = await env.tools.quietDisable(env.ctx.input.db);
    const disabledAt = new Date().toISOString();
    // Issue 9: how long production writes were held, from the enable's return to the disable's.
    const enabledAt = Date.parse(factText(env.ctx.facts.quietEnable?.enabledAt));
    const window = Number.isNaN(enabledAt) ? {} : { quietWindowMs: Date.parse(disabledAt) - enabledAt };
    // Never cancelled by the run's signal: a quiet point must always be disabled. Once it is
    // down, the guard double-checks (a late grant) and leaves.
    const down = (facts: Facts): Facts => {
      env.quietGuard.release('finalize');
      return facts;
    };
    if (r.exitCode === 0) return down({ disabledAt, wasEnabled: true, ...window });
    if (
      r.exitCode === 7 &&
      env.stepKey === MAIN_PATH_STATE &&
      (await releasedBeforeDisable(env.ctx.input.db, Number(env.ctx.facts.quietEnable?.lgOffset), env.enteredAt()))
    ) {
      down({});
      fail(
        'failed',
        'OEF-056',
        'the quiet point was already disabled when the copy finished (proquiet disable rc 7): someone or something released it while the files were copied, so the copy is not a consistent baseline and is not catalogued',
        'Take the backup again; do not disable an oeflow quiet point by hand while its run copies (the run disables it itself, and its guard does if the run dies).',
      );
    }
    if (r.exitCode === 7) return down({ disabledAt, wasEnabled: false, ...window });
    if (r.exitCode === 16)
      return down({ disabledAt, wasEnabled: false, note: 'broker gone: no quiet point survives it', ...window });
    // rc 3: the BI reached its threshold meanwhile (-bistall): the broker keeps the database quiet
    // until `proquiet bithreshold` raises it; only then can a disable succeed (KB P41028)
    if (r.exitCode === 3)
      fail(
        'failed',
        'OEF-208',
        `proquiet disable exited 3: the database reached its BI threshold and stays quiet until it is raised: ${messageSummary(r)}`,
        `Raise the threshold now (proquiet ${env.ctx.input.db} bithreshold <MB above the BI size>), then disable the quiet point (proquiet ${env.ctx.input.db} disable).`,
      );
    fail(
      'failed',
      'OEF-054',
      `proquiet disable exited ${r.exitCode ?? r.signal}: ${messageSummary(r)}`,
      `Disable it by hand now: proquiet ${env.ctx.input.db} disable`,
    );
  },
} satisfies Step<null>;
