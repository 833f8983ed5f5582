// OFFLINE-4: switch to a new AI extent so the copy is not in the middle of an AI file;
// the sequence this switch makes BUSY is where roll forward starts.
import { aiState, aiSwitchRefusal, requireSuccess, type AiState } from './probes.js';
import { fail, type Step, type CommandShape } from './step.js';
import { aimageNewArgv } from '../openedge/argv.js';

const AIMAGE_NEW = { utility: 'rfutil', words: ['-C', 'aimage', 'new'] } as const satisfies CommandShape;

export const aiSwitch = {
  id: 'aiSwitch',
  title: 'Switch to a new AI extent (rfutil -C aimage new)',
  kb: 'OFFLINE-4',
  effect: 'once',
  effects: [AIMAGE_NEW],
  commands: ({ input }) => [{ ...AIMAGE_NEW, args: aimageNewArgv(input.db) }],
  probe: (env) => aiState(env, env.ctx.input.db),
  precheck: (p, env) => aiSwitchRefusal(p, env.ctx.input.db, 'aimage new'),
  async run(env, before) {
    requireSuccess(await env.tools.aimageNew(env.ctx.input.db, { signal: env.signal }), 'rfutil -C aimage new');
    const after = await aiState(env, env.ctx.input.db);
    // The database is shut down, so nothing else can switch: exactly one step on, or the
    // sequence recorded would not pair with this copy.
    if (before.busySeq === null || after.busySeq !== before.busySeq + 1) {
      fail(
        'failed',
        'OEF-050',
        `aimage new exited 0 but the BUSY AI sequence went ${before.busySeq} → ${after.busySeq}, not one on: the copy cannot be paired with an AI file`,
      );
    }
    return {
      previousSeq: before.busySeq,
      pairedSeq: after.busySeq,
      busyExtent: after.busyExtent,
      switchedAt: new Date().toISOString(),
    };
  },
  factsWhenDecided: (now, intent) => ({
    previousSeq: intent.probe.busySeq,
    pairedSeq: now.busySeq,
    busyExtent: now.busyExtent,
  }),
  // The switch happened iff the BUSY sequence moved exactly one on since the intent.
  reconcile(now, intent) {
    const was = intent.probe.busySeq;
    if (was !== null && now.busySeq === was + 1) {
      return { verdict: 'done', facts: { previousSeq: was, pairedSeq: now.busySeq, busyExtent: now.busyExtent } };
    }
    if (now.busySeq === was) return { verdict: 'not-done' };
    return { verdict: 'unknown', why: `BUSY AI sequence was ${was} before the switch and is ${now.busySeq} now` };
  },
} satisfies Step<AiState>;
