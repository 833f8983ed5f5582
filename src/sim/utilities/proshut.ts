// proshut db-name { -by | -bn | -F | -byF | -C list }: shut the broker down through
// its socket (or signals), or list the connected users (docs/openedge.md §1).
import { userInfo } from 'node:os';
import { brokerCall, type UserRow } from '../broker-protocol.js';
import { readline } from '../builtins.js';
import { oeDate } from '../dates.js';
import { lkState, requireDb } from '../db-open.js';
import { readLk, removeLk } from '../lk-file.js';
import { updateMasterSync } from '../master-block.js';
import { msg } from '../messages.js';
import { Exit, type Session } from '../session.js';
import type { DbPaths } from '../paths.js';
import { pidAlive } from '../file-lock.js';

const SYNTAX = 'proshut db-name [ -by | -bn | -byF | -F | -C list ]';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseMode(s: Session): 'by' | 'bn' | 'F' | 'byF' | 'list' {
  const rest = s.args.slice(1).map((a) => a.toLowerCase());
  if (rest[0] === '-c' && rest[1] === 'list' && rest.length === 2) return 'list';
  const flags = new Set(rest);
  if (flags.has('-byf') || (flags.has('-by') && flags.has('-f'))) return 'byF';
  if (flags.has('-f')) return 'F';
  if (flags.has('-by') || flags.has('-b')) return 'by';
  if (flags.has('-bn')) return 'bn';
  return s.fail(msg.usage('proshut', `unsupported arguments "${s.args.slice(1).join(' ')}"`, SYNTAX));
}

function row(u: UserRow): string {
  return `${String(u.usr).padStart(3)} ${String(u.pid).padStart(6)} ${oeDate(u.loginTime)}   ${u.user.padEnd(10)} ${u.type.padEnd(5)} ${u.tty.padEnd(13)} no`;
}

async function waitGone(paths: DbPaths, pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid) && readLk(paths.lk)?.pid !== pid) return true;
    await sleep(20);
  }
  return false;
}

async function confirm(s: Session): Promise<boolean> {
  s.print(msg.extreme().text);
  s.print(msg.confirm().text);
  const rl = readline().createInterface({ input: process.stdin });
  const answer = await new Promise<string>((r) => {
    rl.once('line', (l) => r(l));
    rl.once('close', () => r(''));
  });
  rl.close();
  return answer.trim().toLowerCase().startsWith('y');
}

function emergency(s: Session, paths: DbPaths, pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already dead
    }
  }
  updateMasterSync(paths, (mb) => {
    mb.state = 'crashed';
  });
  removeLk(paths.lk);
  s.log([msg.emergencyShutdown()], 'W');
}

/** Shut down or list; 1423 (exit 1) when no broker serves the database. */
export async function run(s: Session): Promise<void> {
  const { paths } = requireDb(s, s.args[0]);
  s.src = { tag: 'SHUT', usr: 2146 };
  const mode = parseMode(s);
  const st = lkState(paths);
  if (st.kind !== 'multi') s.fail(msg.noServer(paths.base));
  const pid = st.info.pid;
  await s.gate([msg.noServer(paths.base)]);
  if (mode === 'list') {
    const r = await brokerCall(paths.base, { op: 'list' }).catch(() => null);
    if (r === null) s.fail(msg.noServer(paths.base));
    const users = r.users ?? [];
    const me: UserRow = {
      usr: Math.max(5, ...users.map((u) => u.usr)) + 1,
      pid: process.pid,
      loginTime: Date.now(),
      user: userInfo().username,
      type: 'SHUT',
      tty: 'batch',
    };
    const broker: UserRow = {
      usr: 0,
      pid,
      loginTime: Date.now(),
      user: userInfo().username,
      type: 'BROK',
      tty: 'batch',
    };
    s.print('usr    pid    time of login           user id    Type  tty           Limbo?');
    for (const u of [broker, ...users, me]) s.print(row(u));
    return;
  }
  if (mode === 'F' && !(await confirm(s))) s.fail(msg.emergencyCancelled());
  if (mode === 'F' || mode === 'byF') {
    s.say(msg.shutdownExecuting());
    emergency(s, paths, pid);
    s.crashPoint();
    s.say(msg.shutdownComplete());
    return;
  }
  const r = await brokerCall(paths.base, { op: 'shutdown', mode }).catch(() => null);
  if (r?.refused === true) s.fail(msg.usersConnected(r.userCount ?? 0));
  s.say(msg.shutdownExecuting());
  if (r === null) process.kill(pid, 'SIGTERM'); // socket gone: signal the broker directly
  if (!(await waitGone(paths, pid, 15_000))) {
    s.say(msg.parameter(`The broker (pid ${pid}) did not stop within 15 seconds.`), 'E');
    throw new Exit(1);
  }
  s.crashPoint();
  s.say(msg.shutdownComplete());
}
