// proquiet dbname [-C] { enable [nolock] | disable [markbackedup] }: the quiet point,
// with the return codes of KB P41028 (docs/openedge.md §5): 0, 2, 4, 5, 6, 7, 16.
import { userInfo } from 'node:os';
import { busyIndex, switchAi, extentName } from '../ai-switch.js';
import { brokerRunning, requireDb } from '../db-open.js';
import { aiExtents, updateMasterSync, type MasterBlock } from '../master-block.js';
import { pidAlive } from '../file-lock.js';
import type { DbPaths } from '../paths.js';
import { msg, type Msg } from '../messages.js';
import type { Session } from '../session.js';

const SYNTAX = 'proquiet dbname [-C] { enable [nolock] | disable [markbackedup] }';

type EnableResult = { rc: 0; logs: Msg[] } | { rc: 2 | 4 | 5 | 6 | 16; m: Msg };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The request (state 1), then the wait for the update lock: a transaction in the middle of an
// update holds it, and the enable waits until it is released (KB P99512); meanwhile a second
// enable gets rc 4. A request left by a proquiet that died no longer counts. Once the lock is
// free, a quiet point on an AI database forces a switch exactly like aimage new.
async function enableQuietPoint(s: Session, paths: DbPaths, nolock: boolean): Promise<EnableResult> {
  const requested = updateMasterSync(paths, (mb): EnableResult | null => {
    if (mb.quiet.state === 2) return { rc: 6, m: msg.quietInEffect() };
    if (mb.quiet.state === 1 && mb.quiet.requester !== undefined && pidAlive(mb.quiet.requester))
      return { rc: 4, m: msg.quietRequested() };
    // a switch that cannot happen refuses the request before anything changes
    const refusal = switchRefusal(mb, nolock);
    if (refusal !== null) return refusal;
    mb.quiet = { state: 1, nolock, requester: process.pid, ...withTxe(mb) };
    return null;
  });
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
  if (!enable && !disable)
    s.fail(msg.usage('proquiet', `unsupported arguments "${s.args.slice(1).join(' ')}"`, SYNTAX));
  if (!brokerRunning(paths)) s.fail(msg.quietNoBroker(), 16);
  const user = userInfo().username;
  await s.gate([enable ? msg.quietSwitchFailed() : msg.quietNotNeeded()]);
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
    const ok = updateMasterSync(paths, (mb) => {
      if (mb.quiet.state !== 2) return false;
      mb.quiet = { state: 0, nolock: false, ...withTxe(mb) };
      if (what === 'disable markbackedup') {
        mb.backup.counter += 1;
        mb.backup.lastDate = Date.now();
        mb.backup.changedSinceBackup = false;
        mb.ai.expectedSeq = mb.ai.currentSeq;
      }
      return true;
    });
    if (!ok) s.fail(msg.quietNotNeeded(), 7);
    s.crashPoint();
    s.say(msg.quietDisabled());
  } finally {
    s.log([msg.quietLogout()]);
  }
}
