// RF-4: align the expected AI sequence with the current one (rfutil -C sequence).
// Impossible once any roll forward ran (it disables AI): refused by the engine itself.
import { readFile } from 'node:fs/promises';
import { dbPaths } from '../openedge/dlc.js';
import { parseLg } from '../openedge/parse-lg.js';
import { requireSuccess } from './probes.js';
import { failure, type Step, type CommandShape } from './step.js';
import { sequenceArgv } from '../openedge/argv.js';
import { allCalls } from '../openedge/all-calls.js';

const SEQUENCE = { utility: 'rfutil', words: ['-C', 'sequence'] } as const satisfies CommandShape;

interface Probe {
  aiEnabled: boolean;
  rollForwardBegun: boolean;
  lgText: string;
}

export const aiSequence = {
  id: 'aiSequence',
  title: 'Align the AI sequence on the copy (rfutil -C sequence)',
  kb: 'RF-4',
  effect: 'once',
  effects: [SEQUENCE],
  commands: ({ input }) => [{ ...SEQUENCE, args: sequenceArgv(input.db) }],
  async probe(env) {
    const db = env.ctx.input.db;
    const [desc, rf, lgText] = await allCalls([
      env.tools.describe(db, { signal: env.signal }),
      env.tools.rollForwardLog(db),
      readFile(dbPaths(db).lgFile, 'utf8').catch(() => ''),
    ]);
    return { aiEnabled: desc.value.aiEnabled, rollForwardBegun: rf.files.length > 0, lgText };
  },
  precheck(p, env) {
    if (env.ctx.rollForwardStarted || p.rollForwardBegun) {
      return failure(
        'invariant',
        'OEF-210',
        'a roll forward has already run on this copy: rfutil -C sequence is no longer possible',
      );
    }
    if (!p.aiEnabled)
      return failure(
        'invariant',
        'OEF-210',
        'after-imaging is disabled on this copy (a roll forward ran): rfutil -C sequence is no longer possible',
      );
    return null;
  },
  async run(env) {
    const r = requireSuccess(await env.tools.sequence(env.ctx.input.db, { signal: env.signal }), 'rfutil -C sequence');
    return { sequencedAt: new Date().toISOString(), message: r.messages.find((m) => m.number === 12428)?.text ?? null };
  },
  // The .lg records "Ai sequence <old> changed to <new>" (12428) when sequence ran.
  reconcile(now, intent) {
    const since = Date.parse(intent.at);
    const seen = parseLg(now.lgText).some((e) => e.number === 12428 && e.epochMs >= since);
    if (seen) return { verdict: 'done', facts: { sequencedAt: intent.at } };
    if (now.rollForwardBegun || !now.aiEnabled)
      return { verdict: 'unknown', why: 'no 12428 in the log, yet AI is disabled or a roll forward began' };
    return { verdict: 'not-done' };
  },
} satisfies Step<Probe>;
