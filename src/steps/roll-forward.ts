// RF-5 / RF-5r: roll forward one AI file (in proven order), or retry the file a crash
// interrupted. An error exit halts the run: retry is for crashes only (KB P39426).
//
// Per-file cost does not grow with the files before it: the intent records the size of the
// database log (not its content), so a reconciliation reads only what was logged since; and
// the in-use check runs once per step visit sequence in this process, not per file (below).
import { statSync } from 'node:fs';
import { contentFacts } from '../aichain/scan-cache.js';
import { rollForwardArgv } from '../openedge/argv.js';
import { dbPaths } from '../openedge/dlc.js';
import { oplockLifted, ROLL_FORWARD_FAILURES } from '../openedge/messages.js';
import { busyState, messageSummary } from './probes.js';
import { rollForwardFailure } from './rf-failure.js';
import { refuseUnsafeRetry } from './roll-forward-retry-guard.js';
import {
  failure,
  fail,
  StepFailureError,
  type DeclarationInput,
  type CommandShape,
  type DeclaredCommand,
  type Reconciliation,
  type Step,
  type StepEnv,
} from './step.js';

/**
 * busy: the in-use state; busyCheckedAt: the aiIndex whose probe ran `proutil -C busy` (an
 * earlier one when the check was carried over). lgBytes: the size of `<db>.lg` before the
 * command, where a reconciliation starts reading.
 */
interface Probe {
  busy: string;
  busyCheckedAt: number;
  lgBytes: number;
}

/**
 * Per run: the last aiIndex this process rolled forward cleanly, and the index whose probe ran
 * the in-use check. While the target stays held by oeflow's lock and each of our own roll
 * forwards ended cleanly (rfutil opens the database single-user and closes it), nothing of
 * ours opened it in between: the next file reuses that check. A new process (resume), a retry
 * or any failure checks again.
 */
const cleanRun = new Map<string, { lastIndex: number; checkedAt: number }>();

/** The AI file this visit applies: the proven list (the run's stored input), at the machine's aiIndex. */
function currentFile(env: StepEnv): string {
  const file = (env.runInput.aiFiles ?? env.ctx.input.aiFiles ?? [])[env.ctx.aiIndex];
  if (file === undefined) fail('failed', 'OEF-002', `no AI file at index ${env.ctx.aiIndex}`);
  return file;
}

/**
 * What the evidence lists for an applied AI file: its sequence (the chain was proven before
 * the run started: contiguous from the backup's paired sequence, so file i is pairedAiSeq + i),
 * and the sha256 and size of the bytes rolled forward (null when the file cannot be read).
 */
async function appliedFileFacts(env: StepEnv, file: string) {
  const paired = env.runInput.pairedAiSeq ?? env.ctx.input.pairedAiSeq;
  const content = await contentFacts(file).catch(() => null);
  return {
    file,
    index: env.ctx.aiIndex,
    aiSeq: paired === undefined ? null : paired + env.ctx.aiIndex,
    sha256: content?.sha256 ?? null,
    bytes: content?.bytes ?? null,
  };
}

/** The size of `<db>.lg` (0 when there is none yet): one synchronous stat, no thread-pool round trip per file. */
function lgSize(db: string): number {
  try {
    return statSync(dbPaths(db).lgFile, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0; // unreadable: a reconciliation then reads the whole log
  }
}

function probeFor(retry: boolean) {
  return async (env: StepEnv): Promise<Probe> => {
    const db = env.ctx.input.db;
    const index = env.ctx.aiIndex;
    const clean = cleanRun.get(env.runId);
    cleanRun.delete(env.runId); // whatever happens next, only a clean run of this file carries the check on
    const carried = !retry && clean !== undefined && clean.lastIndex === index - 1;
    const busy = carried ? 'not-in-use' : await busyState(env, db);
    return { busy, busyCheckedAt: carried ? clean.checkedAt : index, lgBytes: lgSize(db) };
  };
}

function makeRun(retry: boolean) {
  return async (env: StepEnv, probed: Probe) => {
    const file = currentFile(env);
    // --until applies to every file: rfutil keeps the transactions that ended before it
    // and says 17923 in the file where it found the endtime; the machine stops there.
    const until = env.ctx.input.until;
    // a retry continues a session that set the protection already (the flag is in the master block)
    const oplock = env.ctx.input.oplock === true && !retry;
    // The spawn happens in this call (synchronously); the file is hashed while rfutil runs, off
    // the per-file critical path: rfutil only reads the AI file, so these are the bytes it applies.
    const rolling = env.tools.rollForward(env.ctx.input.db, file, {
      retry,
      ...(oplock ? { oplock } : {}),
      ...(until ? { endtime: until } : {}),
    });
    rolling.catch(() => undefined); // awaited below, after the hash: not an unhandled rejection meanwhile
    const applied = await appliedFileFacts(env, file);
    const r = await rolling;
    if (r.signal !== null && !r.cancelled) {
      // rfutil itself was killed (OOM killer, operator, crash) half way: that is the case
      // roll forward retry exists for, unlike an error exit
      fail(
        'interrupted',
        'OEF-213',
        `roll forward${retry ? ' retry' : ''} of ${file} was killed by ${r.signal}: only roll forward retry on the same file continues it`,
      );
    }
    if (r.exitCode !== 0)
      throw new StepFailureError(
        rollForwardFailure({ runId: env.runId, file, retry, result: r, summary: messageSummary(r) }),
      );
    const endtimeLocated = r.messages.some((m) => m.number === 17923);
    cleanRun.set(env.runId, { lastIndex: env.ctx.aiIndex, checkedAt: probed.busyCheckedAt });
    return {
      ...applied,
      retry,
      appliedAt: new Date().toISOString(),
      ...(until ? { endtime: until, endtimeLocated } : {}),
      // a transaction still open at the end of the file keeps the protection (docs/openedge.md §4.41)
      ...(env.ctx.input.oplock === true ? { targetProtected: !oplockLifted(r) } : {}),
    };
  };
}

/**
 * Decide an in-doubt roll forward from the database log written since the intent: read from
 * the log size the intent recorded (intents of older versions recorded none: the whole log).
 */
async function reconcileFromLog(
  _now: Probe,
  intent: { at: string; probe: Partial<Probe> | null },
  env: StepEnv,
): Promise<Reconciliation> {
  const file = currentFile(env);
  const since = Date.parse(intent.at);
  const fromByte = typeof intent.probe?.lgBytes === 'number' ? intent.probe.lgBytes : 0;
  const log = await env.tools.rollForwardLog(env.ctx.input.db, undefined, fromByte);
  const entries = log.files.filter((f) => f.path === file && Date.parse(f.begunAt) >= since);
  const last = entries[entries.length - 1];
  if (last === undefined) return { verdict: 'not-done' };
  if (last.completed)
    return { verdict: 'done', facts: { ...(await appliedFileFacts(env, file)), reconciledFromLog: true } };
  if (last.failedWith.some((n) => ROLL_FORWARD_FAILURES.includes(n))) {
    return {
      verdict: 'failed',
      failure: failure(
        'rf-error',
        'OEF-053',
        `roll forward of ${file} failed with ${last.failedWith.join(', ')} (from the database log)`,
      ),
    };
  }
  return {
    verdict: 'interrupted',
    why: `roll forward of ${file} began at ${last.begunAt} and did not finish: only roll forward retry on the same file continues it`,
  };
}

const ROLL_FORWARD = { utility: 'rfutil', words: ['-C', 'roll', 'forward'] } as const satisfies CommandShape;
const ROLL_FORWARD_RETRY = {
  utility: 'rfutil',
  words: ['-C', 'roll', 'forward', 'retry'],
} as const satisfies CommandShape;

/** The roll forward (or its retry) of the AI file at the visit's index, as run() passes it. */
function commandsFor(retry: boolean) {
  return ({ input, aiIndex }: DeclarationInput): DeclaredCommand[] => {
    const file = input.aiFiles?.[aiIndex];
    if (file === undefined) return [];
    const endtime = input.until;
    const oplock = input.oplock === true && !retry;
    return [
      {
        ...(retry ? ROLL_FORWARD_RETRY : ROLL_FORWARD),
        args: rollForwardArgv(input.db, file, {
          retry,
          ...(oplock ? { oplock } : {}),
          ...(endtime ? { endtime } : {}),
        }),
        ...(endtime ? { note: 'stops after the file in which the endtime is located (17923)' } : {}),
      },
    ];
  };
}

const precheck = (p: Probe, env: StepEnv) =>
  p.busy === 'not-in-use'
    ? null
    : failure(
        'invariant',
        'OEF-211',
        `${env.ctx.input.db} is in use (${p.busy}): nothing may open the copy during roll forward`,
      );

export const rollForward = {
  id: 'rollForward',
  title: 'Roll forward an AI file (rfutil -C roll forward)',
  kb: 'RF-5',
  effect: 'once',
  effects: [ROLL_FORWARD],
  commands: commandsFor(false),
  probe: probeFor(false),
  precheck,
  run: makeRun(false),
  reconcile: reconcileFromLog,
  // an error exit halts the run; retry only when the operator asks and the messages allow it
  refuseOperatorRetry: refuseUnsafeRetry,
} satisfies Step<Probe>;

export const rollForwardRetry = {
  id: 'rollForwardRetry',
  title: 'Retry the interrupted roll forward (roll forward retry)',
  kb: 'RF-5r',
  effect: 'once',
  effects: [ROLL_FORWARD_RETRY],
  commands: commandsFor(true),
  probe: probeFor(true),
  precheck,
  run: makeRun(true),
  reconcile: reconcileFromLog,
  // an error exit halts the run; retry only when the operator asks and the messages allow it
  refuseOperatorRetry: refuseUnsafeRetry,
} satisfies Step<Probe>;
