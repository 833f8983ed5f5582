// Shared probes and result checks: the reads several steps make of the database's
// real state, and the one way a non-zero exit becomes a step failure.
import { lkStale } from '../openedge/liveness.js';
import type { AiExtent, BusyState, ToolResult } from '../openedge/types.js';
import { fail, failure, type StepEnv } from './step.js';
import type { StepFailure } from './step.js';
import type { ErrorCode } from '../errors.js';

/** The AI picture the switch steps and reconciliation compare: who is BUSY, who is next. */
export interface AiState {
  enabled: boolean;
  extents: number;
  busySeq: number | null;
  busyExtent: number | null;
  /** Status of the extent a switch would make BUSY (the one after the busy extent). */
  nextStatus: AiExtent['status'] | null;
}

/** Summarise `rfutil -C aimage list`. */
export async function aiState(env: StepEnv, db: string): Promise<AiState> {
  const { value: list } = await env.tools.aimageList(db, { signal: env.signal });
  return summariseAi(list);
}

/** Who is BUSY and what comes after it, from the extents `aimage list` printed. */
export function summariseAi(list: readonly AiExtent[]): AiState {
  const busy = list.find((e) => e.status === 'Busy') ?? null;
  const next = busy === null ? null : (list[(list.indexOf(busy) + 1) % list.length] ?? null);
  return {
    enabled: list.length > 0,
    extents: list.length,
    busySeq: busy?.seqno ?? null,
    busyExtent: busy?.extent ?? null,
    nextStatus: next === null || next === busy ? null : next.status,
  };
}

/** Two passes of the AI archiver daemon (it archives FULL extents every 5 s, docs/openedge.md §7), plus margin. */
export const ARCHIVER_SETTLE_MS = 12_000;

/**
 * aiState for a step about to switch: when the AI archiver runs, the extent after the BUSY
 * one may be FULL only until the daemon's next pass archives and empties it, so the switch
 * precheck reads again (every second, at most ARCHIVER_SETTLE_MS) instead of refusing an
 * extent that is changing state under it. Without the archiver it reads once.
 */
export async function aiStateForSwitch(env: StepEnv, db: string): Promise<AiState> {
  const first = await aiState(env, db);
  // only a FULL extent is the daemon's to empty; a LOCKED one waits for replication instead (OEF-207)
  if (first.nextStatus !== 'Full') return first;
  const archiving = (await env.tools.describe(db, { signal: env.signal })).value.aiArchiver;
  if (!archiving) return first;
  let now = first;
  await waitUntil(
    async () => {
      now = await aiState(env, db);
      return now.nextStatus === 'Empty';
    },
    ARCHIVER_SETTLE_MS,
    env.signal,
  );
  return now;
}

/**
 * `proutil -C busy` by exit code, except that a `.lk` naming a dead process on this host
 * is stale (docs/openedge.md §2: the utilities themselves then take it over), e.g. one left by a
 * utility that died with a crashed run. busy/holder only read the `.lk`, so they cannot tell.
 */
export async function busyState(env: StepEnv, db: string): Promise<BusyState> {
  const busy = (await env.tools.busy(db, { signal: env.signal })).value;
  if (busy === 'not-in-use') return busy;
  return (await lkIsStale(env, db)) ? 'not-in-use' : busy;
}

/** True when `<db>.lk` is well formed, of a documented mode, and names a process that is dead on this host. */
export async function lkIsStale(env: StepEnv, db: string): Promise<boolean> {
  const lk = await env.tools.readLk(db);
  return lk !== null && lkStale(lk);
}

/** One line naming the numbered messages of a result, for failure texts. */
export function messageSummary(r: ToolResult): string {
  if (r.messages.length > 0) return r.messages.map((m) => `${m.text} (${m.number})`).join(' | ');
  const text = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('OpenEdge Release'));
  return text.slice(-3).join(' | ') || 'no output';
}

/** Throw a `failed` step failure unless the utility exited 0. */
export function requireSuccess(r: ToolResult, what: string, code: ErrorCode = 'OEF-050'): ToolResult {
  if (r.exitCode === 0) return r;
  const how = r.signal ? `was killed by ${r.signal}` : `exited ${r.exitCode}`;
  fail('failed', code, `${what} ${how}: ${messageSummary(r)}`);
}

/** Poll until `check` is true or the timeout passes (used after shutdown/start). */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline || signal.aborted) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Why an AI switch (aimage new, or the one a quiet point forces) would fail, or null:
 * AI must be enabled, the extent after the BUSY one EMPTY, and a quiet point needs more
 * than one extent (proquiet rc 2).
 */
export function aiSwitchRefusal(
  p: Pick<AiState, 'enabled' | 'extents' | 'nextStatus'>,
  db: string,
  what: string,
  minExtents = 1,
): StepFailure | null {
  if (!p.enabled) return failure('invariant', 'OEF-202', `after-imaging is not enabled on ${db}`);
  if (p.extents < minExtents)
    return failure('invariant', 'OEF-204', `${db} has ${p.extents} AI extent(s): a quiet point needs more than one`);
  // a replication source's extent that the target has not received yet (docs/openedge.md §3.13):
  // it cannot be emptied, and only replication catching up frees it
  if (p.nextStatus === 'Locked' || p.nextStatus === 'Archived')
    return failure(
      'invariant',
      'OEF-207',
      `the AI extent after the BUSY one is ${p.nextStatus.toUpperCase()}: its notes have not been replicated to the target yet, so it cannot be emptied and ${what} would fail`,
    );
  if (p.nextStatus !== 'Empty')
    return failure(
      'invariant',
      'OEF-203',
      `the AI extent after the BUSY one is ${p.nextStatus ?? 'missing'}, not EMPTY: ${what} would fail`,
    );
  return null;
}
