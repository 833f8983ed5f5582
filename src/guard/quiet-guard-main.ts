// The quiet-point guard process (docs: README "Quiet-point guard"). A run starts it, detached in
// its own session, right before it asks for a quiet point. It disables that quiet point through
// the same DLC when the run's process is gone without having released it, when the run says it
// is done (it double-checks), or when --max-quiet has passed; then it records what it did
// (guard-record.ts) and exits. It only ever disables the run's own quiet point (quiet-point-log.ts).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readTextFrom } from '../openedge/read-text-from.js';
import { quietDisableArgv } from '../openedge/argv.js';
import { dbPaths } from '../openedge/dlc.js';
import { pidAlive } from '../openedge/liveness.js';
import { runTool } from '../openedge/runner.js';
import { writeGuardRecord, type GuardOutcome } from './guard-record.js';
import { quietPointOfRun } from './quiet-point-log.js';
import { GUARD_POLL_MS, MAX_QUIET_MARGIN_MS, releaseFile, type GuardArgs } from './quiet-guard.js';

const args = JSON.parse(process.argv[2] ?? '{}') as GuardArgs;
const lgFile = dbPaths(args.db).lgFile;

/** Release file (quiet-guard.ts), or SIGUSR2 / SIGUSR1 when the run could not write it. */
let finalizeAsked = false;
let standDownAsked = false;
function readRelease(): void {
  let how = '';
  try {
    how = readFileSync(releaseFile(args.recordFile), 'utf8');
  } catch {
    return;
  }
  if (how === 'stand-down') standDownAsked = true;
  else finalizeAsked = true;
}
process.on('SIGUSR2', () => {
  finalizeAsked = true;
});
process.on('SIGUSR1', () => {
  standDownAsked = true;
});
// No terminal, but a hang-up or Ctrl-C sent to it by mistake must not leave the quiet point up.
process.on('SIGHUP', () => {
  finalizeAsked = true;
});
process.on('SIGINT', () => {
  finalizeAsked = true;
});
process.on('SIGTERM', () => {
  finalizeAsked = true;
});

/** The `.lg` from where it ended when the guard was armed (a production log can be large). */
const readLogSinceArm = (): Promise<string> => readTextFrom(lgFile, args.lgOffset).catch(() => '');

function record(outcome: GuardOutcome, why: string, exitCode?: number | null): void {
  writeGuardRecord(args.recordFile, {
    runId: args.runId,
    db: args.db,
    guardPid: process.pid,
    ownerPid: args.ownerPid,
    sinceMs: args.sinceMs,
    outcome,
    why,
    at: new Date().toISOString(),
    ...(exitCode === undefined ? {} : { exitCode }),
  });
}

/** A `proquiet <db> enable` still running on this host: its grant may still come. */
function enableStillRunning(): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return (
        argv.some((a) => a.endsWith('proquiet')) &&
        argv.includes(args.db) &&
        argv.some((a) => a.toLowerCase() === 'enable')
      );
    } catch {
      return false;
    }
  });
}

async function disable(why: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    const r = await runTool(args.dlc, 'proquiet', quietDisableArgv(args.db)).catch(() => null);
    const rc = r?.exitCode ?? null;
    if (rc === 0) return record('disabled', why, rc);
    // 7: not enabled; 16: no broker, and no quiet point survives the broker
    if (rc === 7 || rc === 16) return record('already-down', `${why}; proquiet disable exited ${rc}`, rc);
    if (tries >= 5)
      return record('disable-failed', `${why}; proquiet disable exited ${rc ?? r?.signal ?? 'without starting'}`, rc);
    await new Promise((done) => setTimeout(done, 1_000));
  }
}

async function watch(): Promise<void> {
  record('watching', 'the run asked for a quiet point');
  for (;;) {
    readRelease();
    if (standDownAsked) return record('stood-down', "the quiet point up is not this run's");
    const qp = quietPointOfRun(await readLogSinceArm(), args.sinceMs);
    const ownerGone = !pidAlive(args.ownerPid);
    const overdue = qp.state === 'held' && Date.now() > qp.enabledAtMs + args.maxQuietMs + MAX_QUIET_MARGIN_MS;
    if (ownerGone || finalizeAsked || overdue) {
      const why = ownerGone
        ? `the run's process ${args.ownerPid} is gone`
        : overdue
          ? `the quiet point was held longer than --max-quiet (${args.maxQuietMs} ms)`
          : 'the run released its quiet point';
      if (qp.state === 'held') return disable(why);
      if (qp.state === 'released')
        return record('already-down', `${why}; the log shows it ${qp.how} at ${qp.releasedAt}`);
      // never enabled yet: a request still running may be granted later (the late-enable race)
      if (!enableStillRunning()) {
        // its grant may have been logged between the two reads
        if (quietPointOfRun(await readLogSinceArm(), args.sinceMs).state === 'never-enabled')
          return record('never-enabled', why);
        continue;
      }
    }
    await new Promise((done) => setTimeout(done, GUARD_POLL_MS));
  }
}

await watch().catch((err: unknown) =>
  record('disable-failed', `guard error: ${err instanceof Error ? err.message : String(err)}`),
);
rmSync(releaseFile(args.recordFile), { force: true });
process.exit(0);
