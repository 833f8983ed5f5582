// ONLINE-1: raise a quiet point; on an AI-enabled database this forces an AI switch,
// and the sequence it makes BUSY is where roll forward starts.
import type { ErrorCode } from '../errors.js';
import { readFile, stat } from 'node:fs/promises';
import { dbPaths } from '../openedge/dlc.js';
import { parseLg } from '../openedge/parse-lg.js';
import { aiStateForSwitch, aiSwitchRefusal, messageSummary, type AiState } from './probes.js';
import { fail, failure, type Step, type CommandShape } from './step.js';
import { quietEnableArgv } from '../openedge/argv.js';
import { fact, type FactsByStep } from './step-facts.js';

const QUIET_ENABLE = { utility: 'proquiet', words: ['enable'] } as const satisfies CommandShape;

/** proquiet enable return codes (docs/openedge.md §5, KB P41028) mapped to oeflow codes. */
const enableRc: Record<number, [code: ErrorCode, why: string]> = {
  2: ['OEF-204', 'cannot enable a quiet point with a single AI extent (rc 2)'],
  3: [
    'OEF-208',
    'the database reached its BI threshold and the broker holds it quiet until the threshold is raised (rc 3)',
  ],
  4: ['OEF-206', 'a quiet point has already been requested (rc 4)'],
  5: ['OEF-203', 'the quiet point could not switch AI extents: the next extent is not EMPTY (rc 5)'],
  6: ['OEF-206', 'a quiet point is already in effect (rc 6)'],
  16: ['OEF-205', 'the broker is not running or is shutting down (rc 16)'],
};

export const quietEnable = {
  id: 'quietEnable',
  title: 'Enable a quiet point (proquiet enable)',
  kb: 'ONLINE-1',
  effect: 'once',
  effects: [QUIET_ENABLE],
  commands: ({ input }) => [{ ...QUIET_ENABLE, args: quietEnableArgv(input.db), note: 'forces an AI switch' }],
  compensate: 'quietDisable',
  probe: (env) => aiStateForSwitch(env, env.ctx.input.db),
  // Issue 9: the intent takes the AI picture preflight read in this visit (the same
  // aiStateForSwitch), not a second `rfutil aimage list`. What may change in between, and what
  // catches it (docs/architecture.md §4, "Reads not repeated"): a next extent no longer EMPTY or
  // a single extent make proquiet enable itself fail (rc 5 / rc 2, OEF-203 / OEF-204); an extent
  // that switched by itself leaves previousSeq below the sequence the enable switched from, and
  // confirmQuietPoint then pairs from the .lg's switch line (lgOffset is taken after this read)
  // or fails; a reconcile against an older previousSeq sees more than one switch and fails the
  // step (the quiet point is disabled), never "done" or "not-done" on a stale reading.
  intentProbe: async (env) => preflightAiState(env.ctx.facts) ?? aiStateForSwitch(env, env.ctx.input.db),
  precheck: (p, env) => aiSwitchRefusal(p, env.ctx.input.db, "the quiet point's AI switch", 2),
  async run(env, before) {
    // proquiet enable waits for the TXE lock, and new transactions queue behind it (docs/openedge.md §5):
    // a long transaction would freeze production for as long as it runs. The wait is bounded
    // by --max-quiet like the quiet point itself; then proquiet is stopped and the machine
    // disables whatever it may have left.
    const limitMs = env.ctx.input.maxQuietMs;
    // The guard watches before the request exists: whatever happens to this process from here on,
    // including a grant that lands after it died, the quiet point is disabled (src/guard/). Its
    // start is waited for here, before the quiet point, not inside it; a guard that ended without
    // watching would leave the quiet point unguarded, so none is asked.
    const armedAt = Date.now();
    const guard = await env.quietGuard.arm();
    // evidence of the guard behind this quiet point: watching, or still starting after the bound
    const guardFacts = { guard: guard.state, guardStartMs: Date.now() - armedAt };
    // invariant: nothing was asked, so the machine ends without a disable to compensate
    if (guard.state === 'ended')
      fail(
        'invariant',
        'OEF-057',
        `The quiet-point guard ended before it watched (${guard.how}): no quiet point was asked`,
      );
    const timeout = limitMs === undefined ? undefined : AbortSignal.timeout(limitMs);
    // where the .lg ends before the request: confirmQuietPoint reads the switch lines from here
    const lgOffset = await stat(dbPaths(env.ctx.input.db).lgFile).then(
      (s) => s.size,
      () => 0,
    );
    const r = await env.tools.quietEnable(env.ctx.input.db, {
      signal: timeout === undefined ? env.signal : AbortSignal.any([env.signal, timeout]),
    });
    const enabledAt = new Date().toISOString();
    if (timeout?.aborted === true) {
      // a grant that lands after the stop is the guard's to disable, whenever it comes
      fail(
        'failed',
        'OEF-060',
        `proquiet enable did not finish within --max-quiet (${limitMs} ms): it was waiting for the transaction lock while new transactions queued behind it. It was stopped; the quiet point is disabled`,
      );
    }
    if (r.exitCode !== 0) {
      const [code, why] = enableRc[r.exitCode ?? -1] ?? ['OEF-050', `proquiet enable exited ${r.exitCode ?? r.signal}`];
      // rc 3/4/6: a quiet point someone else raised (rc 3: the broker's own, at the BI threshold):
      // never disable it for them (kind invariant: no compensation runs)
      const theirs = r.exitCode === 3 || r.exitCode === 4 || r.exitCode === 6;
      if (theirs) env.quietGuard.release('stand-down');
      fail(theirs ? 'invariant' : 'failed', code, `${why}: ${messageSummary(r)}`);
    }
    // Issue 9: nothing else runs while writes are held. Which AI sequence the forced switch
    // made BUSY is read after the disable, from the .lg and the extent list (confirm-quiet-point.ts).
    return { enabledAt, previousSeq: before.busySeq, lgOffset, ...guardFacts };
  },
  factsWhenDecided: (now, intent) => ({
    enabledAt: intent.at,
    previousSeq: intent.probe.busySeq,
    pairedSeq: now.busySeq,
    busyExtent: now.busyExtent,
  }),
  // Done only if the broker logged "Quiet point has been enabled" (5583) since the intent and
  // the BUSY sequence moved exactly one on (extents also switch by themselves under load).
  // Anything else fails the step, and the machine then disables the quiet point: a run must
  // never stop for a decision while a quiet point may be up.
  async reconcile(now, intent, env) {
    const was = intent.probe.busySeq;
    const since = Date.parse(intent.at);
    const log = parseLg(await readFile(dbPaths(env.ctx.input.db).lgFile, 'utf8').catch(() => ''));
    const quietLines = log.filter((e) => e.epochMs >= since && (e.number === 5569 || e.number === 5583));
    const enabled = quietLines.some((e) => e.number === 5583);
    if (enabled && was !== null && now.busySeq === was + 1) {
      return {
        verdict: 'done',
        facts: { enabledAt: intent.at, previousSeq: was, pairedSeq: now.busySeq, busyExtent: now.busyExtent },
      };
    }
    if (quietLines.length === 0 && now.busySeq === was) return { verdict: 'not-done' };
    return {
      verdict: 'failed',
      failure: failure(
        'failed',
        'OEF-050',
        `cannot tell whether our quiet point took effect (BUSY AI sequence ${was} → ${now.busySeq}, quiet-point log lines: ${quietLines.map((e) => e.number).join(',') || 'none'}): the quiet point is disabled and the backup must be taken again`,
      ),
    };
  },
} satisfies Step<AiState>;

/** The AI picture preflight recorded in this visit, or null when it recorded none (then quietEnable reads it). */
function preflightAiState(facts: FactsByStep): AiState | null {
  const enabled = fact(facts, 'preflight', 'aiEnabled');
  const extents = fact(facts, 'preflight', 'extents');
  const busySeq = fact(facts, 'preflight', 'busySeq');
  const nextStatus = fact(facts, 'preflight', 'nextStatus');
  if (enabled === undefined || extents === undefined || busySeq === undefined || nextStatus === undefined) return null;
  return { enabled, extents, busySeq, busyExtent: fact(facts, 'preflight', 'busyExtent') ?? null, nextStatus };
}
