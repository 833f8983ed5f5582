// proquiet dbname [-C] { enable [nolock] | disable [markbackedup] }: the quiet point,
// with the return codes of KB P41028 (docs/openedge.md §5): 0, 2, 4, 5, 6, 7, 16.
import { userInfo } from 'node:os';
import { switchAi, extentName } from '../ai-switch.js';
import { brokerRunning, requireDb } from '../db-open.js';
import { updateMasterSync } from '../master-block.js';
import { msg, type Msg } from '../messages.js';
import type { Session } from '../session.js';

const SYNTAX = 'proquiet dbname [-C] { enable [nolock] | disable [markbackedup] }';

type EnableResult = { rc: 0; logs: Msg[] } | { rc: 2 | 4 | 5 | 6; m: Msg };

/** Enable/disable the quiet point; rc 16 when no broker serves the database. */
export async function run(s: Session): Promise<void> {
  const { paths } = requireDb(s, s.args[0]);
  s.src = { tag: 'QUIET', usr: 5 };
  const words = s.args.slice(1).map((a) => a.toLowerCase()).filter((a) => a !== '-c');
  const what = words.join(' ');
  const enable = what === 'enable' || what === 'enable nolock';
  const disable = what === 'disable' || what === 'disable markbackedup';
  if (!enable && !disable) s.fail(msg.usage('proquiet', `unsupported arguments "${s.args.slice(1).join(' ')}"`, SYNTAX));
  if (!brokerRunning(paths)) s.fail(msg.quietNoBroker(), 16);
  const user = userInfo().username;
  await s.gate([enable ? msg.quietSwitchFailed() : msg.quietNotNeeded()]);
  s.log([msg.quietLogin(user, 'batch')]);
  try {
    if (enable) {
      const nolock = what === 'enable nolock';
      const r = updateMasterSync(paths, (mb): EnableResult => {
        if (mb.quiet.state === 2) return { rc: 6, m: msg.quietInEffect() };
        if (mb.quiet.state === 1) return { rc: 4, m: msg.quietRequested() };
        const logs: Msg[] = [];
        if (mb.ai.enabled && !nolock) {
          // A quiet point on an AI database forces a switch exactly like aimage new.
          const sw = switchAi(mb, Date.now());
          if (!sw.ok) return sw.reason === 'single' ? { rc: 2, m: msg.quietSingleExtent() } : { rc: 5, m: msg.quietSwitchFailed() };
          logs.push(msg.switched(extentName(sw.toPath)), msg.fileNumberSinceBegin(sw.seq));
        }
        mb.quiet = { state: 2, nolock };
        return { rc: 0, logs };
      });
      if (r.rc !== 0) s.fail(r.m, r.rc);
      s.log(r.logs);
      s.crashPoint();
      s.say(msg.quietEnabled());
      return;
    }
    const ok = updateMasterSync(paths, (mb) => {
      if (mb.quiet.state === 0) return false;
      mb.quiet = { state: 0, nolock: false };
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
