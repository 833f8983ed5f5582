// proquiet dbname [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }: the quiet
// point, with the return codes of KB P41028 (docs/openedge.md §5): 0, 2, 3, 4, 5, 6, 7, 16, and
// the shared-memory states 0–4 (1 enable requested, 3 disable requested, 4 threshold change).
import { userInfo } from 'node:os';
import { busyIndex, switchAi, extentName } from '../ai-switch.js';
import { brokerRunning, requireDb } from '../db-open.js';
import { aiExtents, updateMasterSync, type MasterBlock } from '../master-block.js';
import { pidAlive } from '../file-lock.js';
import type { DbPaths } from '../paths.js';
import { msg, type Msg } from '../messages.js';
import type { Session } from '../session.js';
import { biSize } from '../tx-commit.js';

const SYNTAX = 'proquiet dbname [-C] { enable [nolock] | disable [markbackedup] | bithreshold n }';

type EnableResult = { rc: 0; logs: Msg[] } | { rc: 2 | 3 | 4 | 5 | 6 | 16; m: Msg };

/** One BI cluster at the default -bi 512 KB: a lowered threshold must stay this far above the BI (docs/openedge.md §5). */
const CLUSTER_BYTES = 512 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The request (state 1), then the wait for the update lock: a transaction in the middle of an
// update holds it, and the enable waits until it is released (KB P99512); meanwhile a second
// enable gets rc 4. A request left by a proquiet that died no longer counts. Once the lock is
// free, a quiet point on an AI database forces a switch exactly like aimage new.
async function enableQuietPoint(s: Session, paths: DbPaths, nolock: boolean): Promise<EnableResult> {
  let requested: EnableResult | 'wait' | null;
  // a disable (3) or threshold change (4) in progress settles first: proquiet loops until it can ask
  while ((requested = request(paths, nolock)) === 'wait') {
    if (!brokerRunning(paths)) return { rc: 16, m: msg.quietBrokerDied() };
    await sleep(20);
  }
  if (requested !== null) return requested;
  s.onCleanup(() => withdrawRequest(paths));
  for (;;) {
    if (!brokerRunning(paths)) return { rc: 16, m: msg.quietBrokerDied() };
    const r = updateMasterSync(paths, (mb): EnableResult | null => {
      if ((mb.quiet.txe ?? []).length > 0) return null;
      const logs: Msg[] = [];
      if (mb.ai.enabled && !nolock) {
        const sw = switchAi(mb, Date.now());
        if (!sw.ok) {
          mb.quiet = { state: 0, nolock: false };
          return sw.reason === 'single' ? { rc: 2, m: msg.quietSingleExtent() } : { rc: 5, m: msg.quietSwitchFailed() };
        }
        logs.push(msg.switched(extentName(sw.toPath)), msg.fileNumberSinceBegin(sw.seq));
      }
      mb.quiet = { state: 2, nolock };
      return { rc: 0, logs };
    });
    if (r !== null) return r;
    await sleep(20);
  }
}

// The request itself (one lock hold): refused (rc 3/4/6, or the switch's rc 2/5), 'wait' while
// another proquiet's disable or threshold change is in progress, or null once state 1 is set.
function request(paths: DbPaths, nolock: boolean): EnableResult | 'wait' | null {
  return updateMasterSync(paths, (mb): EnableResult | 'wait' | null => {
    // the broker's own quiet point at the BI threshold: only bithreshold ends it (KB P41028 rc 3)
    if (mb.quiet.biStall === true) return { rc: 3, m: msg.quietBiThreshold() };
    if (mb.quiet.state === 2) return { rc: 6, m: msg.quietInEffect() };
    if ((mb.quiet.state === 3 || mb.quiet.state === 4) && requesterAlive(mb)) return 'wait';
    if (mb.quiet.state === 1 && requesterAlive(mb)) return { rc: 4, m: msg.quietRequested() };
    // a switch that cannot happen refuses the request before anything changes
    const refusal = switchRefusal(mb, nolock);
    if (refusal !== null) return refusal;
    mb.quiet = { state: 1, nolock, requester: process.pid, ...withTxe(mb) };
    return null;
  });
}

function requesterAlive(mb: MasterBlock): boolean {
  return mb.quiet.requester !== undefined && pidAlive(mb.quiet.requester);
}

// The update-lock holders carried over when the quiet state changes (the field stays absent when none).
function withTxe(mb: MasterBlock): { txe?: number[] } {
  return (mb.quiet.txe ?? []).length > 0 ? { txe: mb.quiet.txe } : {};
}

// rc 2 with a single AI extent, rc 5 when the next extent is not EMPTY (KB P41028).
function switchRefusal(mb: MasterBlock, nolock: boolean): EnableResult | null {
  if (!mb.ai.enabled || nolock) return null;
  const files = aiExtents(mb);
  if (files.length < 2) return { rc: 2, m: msg.quietSingleExtent() };
  const b = busyIndex(mb);
  return mb.ai.extents[(b + 1) % files.length]?.status === 'Empty' ? null : { rc: 5, m: msg.quietSwitchFailed() };
}

/** A request still pending when proquiet ends (error, interrupt) is withdrawn. */
function withdrawRequest(paths: DbPaths): void {
  updateMasterSync(paths, (mb) => {
    if (mb.quiet.state === 1 && mb.quiet.requester === process.pid)
      mb.quiet = { state: 0, nolock: false, ...withTxe(mb) };
  });
}

/** Enable/disable the quiet point; rc 16 when no broker serves the database. */
export async function run(s: Session): Promise<void> {
  const { paths } = requireDb(s, s.args[0]);
  s.src = { tag: 'QUIET', usr: 5 };
  const words = s.args
    .slice(1)
    .map((a) => a.toLowerCase())
    .filter((a) => a !== '-c');
  const what = words.join(' ');
  const enable = what === 'enable' || what === 'enable nolock';
  const disable = what === 'disable' || what === 'disable markbackedup';
  // `bithreshold n` (the 12.8 guide also writes `-bithreshold n`): n MB
  const threshold =
    words.length === 2 && /^-?bithreshold$/.test(words[0] ?? '') && /^\d+$/.test(words[1] ?? '')
      ? Number(words[1])
      : null;
  if (!enable && !disable && threshold === null)
    s.fail(msg.usage('proquiet', `unsupported arguments "${s.args.slice(1).join(' ')}"`, SYNTAX));
  if (!brokerRunning(paths)) s.fail(msg.quietNoBroker(), 16);
  const user = userInfo().username;
  await s.gate([
    enable ? msg.quietSwitchFailed() : threshold !== null ? msg.biThresholdRejected('fault') : msg.quietNotNeeded(),
  ]);
  s.log([msg.quietLogin(user, 'batch')]);
  try {
    if (enable) {
      const nolock = what === 'enable nolock';
      const r = await enableQuietPoint(s, paths, nolock);
      if (r.rc !== 0) s.fail(r.m, r.rc);
      s.log(r.logs);
      s.crashPoint();
      s.say(msg.quietEnabled());
      return;
    }
    if (threshold !== null) return await changeThreshold(s, paths, threshold);
    // the disable is requested (state 3), then done by the broker (state 0)
    const asked = updateMasterSync(paths, (mb): 0 | 3 | 7 => {
      if (mb.quiet.biStall === true) return 3;
      if (mb.quiet.state !== 2) return 7;
      mb.quiet = { ...mb.quiet, state: 3, requester: process.pid };
      return 0;
    });
    if (asked === 3) s.fail(msg.quietBiThreshold(), 3);
    if (asked === 7) s.fail(msg.quietNotNeeded(), 7);
    updateMasterSync(paths, (mb) => {
      mb.quiet = { state: 0, nolock: false, ...withTxe(mb) };
      if (what === 'disable markbackedup') {
        mb.backup.counter += 1;
        mb.backup.lastDate = Date.now();
        mb.backup.changedSinceBackup = false;
        mb.ai.expectedSeq = mb.ai.currentSeq;
      }
    });
    s.crashPoint();
    s.say(msg.quietDisabled());
  } finally {
    s.log([msg.quietLogout()]);
  }
}

// `bithreshold n`: the change is requested (state 4, the state before kept in `prior`), then
// made: n MB may raise the threshold, or lower it to one cluster above the BI's size; a BI stall
// (the broker's quiet point) ends when the BI is below the new threshold, and the broker's
// writers go on (90011). rc 4 while another request is pending; a rejected value exits 1 [I].
async function changeThreshold(s: Session, paths: DbPaths, n: number): Promise<void> {
  const asked = updateMasterSync(paths, (mb) => {
    if ((mb.quiet.state === 1 || mb.quiet.state === 3 || mb.quiet.state === 4) && requesterAlive(mb)) return false;
    const prior: 0 | 2 = mb.quiet.state === 2 ? 2 : 0;
    mb.quiet = { ...mb.quiet, state: 4, prior, requester: process.pid };
    return true;
  });
  if (!asked) s.fail(msg.quietRequested(), 4);
  const r = updateMasterSync(paths, (mb): Msg | { from: number; to: number; stalled: boolean } => {
    const prior = mb.quiet.prior ?? 0;
    const { prior: _p, requester: _r, ...rest } = mb.quiet;
    mb.quiet = { ...rest, state: prior };
    const from = mb.bi?.thresholdMb ?? 0;
    if (n * 1024 * 1024 < biSize(mb) + CLUSTER_BYTES)
      return msg.biThresholdRejected(
        `${n} MB is not one cluster above the BI file's ${Math.ceil(biSize(mb) / 1024)} KB`,
      );
    mb.bi = { thresholdMb: n, stall: mb.bi?.stall ?? false };
    const stalled = mb.quiet.biStall === true;
    if (stalled) mb.quiet = { state: 0, nolock: false, ...withTxe(mb) };
    return { from, to: n, stalled };
  });
  if ('text' in r) s.fail(r);
  s.crashPoint();
  s.say(msg.biThresholdChanged(r.from, r.to));
  if (r.stalled) s.log([msg.aiContinuing()]);
}
