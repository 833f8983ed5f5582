// proserve db-name [-aistall] [-aiarchiver -aiarcdir d1,d2 [-aiarcinterval n] [-aiarcdircreate]]
// [other broker parameters, accepted and ignored]:
// starts the detached broker and returns once it has opened the database.
import { readFileSync } from 'node:fs';
import { brokerCall, brokerScript } from '../broker-protocol.js';
import { childProcess } from '../builtins.js';
import { clockTime } from '../dates.js';
import { refuseInUse, refuseUnderOplock, requireDb, requireExtents } from '../db-open.js';
import { readLk } from '../lk-file.js';
import { msg } from '../messages.js';
import { archiverParams } from '../archiver.js';
import type { Session } from '../session.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start the broker; 276/263 when in use, 43 when an extent is missing. */
export async function run(s: Session): Promise<void> {
  const { paths, mb } = requireDb(s, s.args[0]);
  s.src = { tag: 'BROKER', usr: 0 };
  refuseInUse(s, paths);
  refuseUnderOplock(s, mb);
  requireExtents(s, mb);
  const archiver = archiverParams(s.args.slice(1));
  if (archiver !== null && 'text' in archiver) s.fail(archiver);
  await s.gate([msg.inUseMulti(paths.base)]);
  const logStart = (() => {
    try {
      return readFileSync(paths.lg).length;
    } catch {
      return 0;
    }
  })();
  const child = childProcess().spawn(process.execPath, [brokerScript(), paths.base, ...s.args.slice(1)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, OEFLOW_SIM_DLC: s.dlc },
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) s.fail(msg.inUseMulti(paths.base));
    if (readLk(paths.lk)?.pid === child.pid) {
      const ok = await brokerCall(paths.base, { op: 'ping' }, undefined, 1000).then(
        (r) => r.ok === true,
        () => false,
      );
      if (ok) break;
    }
    if (Date.now() > deadline)
      s.fail(msg.parameter(`The broker did not start within 15 seconds (pid ${String(child.pid)}).`));
    await sleep(15);
  }
  s.crashPoint();
  // Echo the broker's start-up lines as the real proserve does: `HH:MM:SS BROKER  0: text (n)`.
  const lines = readFileSync(paths.lg).subarray(logStart).toString('utf8').split('\n');
  for (const line of lines) {
    const m = /^\[[^\]]+\] P-\d+ T-\d+ \w (BROKER\s+0): \((\d+|-----)\) (.*)$/.exec(line);
    if (m !== null)
      s.print(`${clockTime(Date.now())} ${m[1] ?? ''}: ${m[3] ?? ''}${m[2] === '-----' ? '' : ` (${m[2] ?? ''})`}`);
  }
}
