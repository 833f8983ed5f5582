// A utility that a killed run started goes on running: it has its own process group, so the
// kill did not reach it. A resume that reconciled or re-ran its step meanwhile would race it
// (a proserve still starting the broker, a roll forward still applying its file). So every
// state-changing spawn is journaled with its pid, and a resume first waits for those that have
// no recorded result and still run on this host. Site commands (--snapshot-cmd, --jobs-check)
// are journaled the same way (siteCommandNote), and their end too: a resume never starts a
// second snapshot of the volume while the killed run's one still runs. A kill between a spawn
// and its row is covered by the run's marker in the process's environment (run-marker.ts).
import { hostname } from 'node:os';
import { OeflowError } from '../errors.js';
import { groupAlive, procStat, sameProcessAlive } from '../openedge/liveness.js';
import {
  canonicalJson,
  decodeJournal,
  type JournalEntry,
  type JournalRow,
  type SpawnedUtility,
} from '../store/index.js';
import type { Reporter } from './reporter.js';
import { markedProcesses } from './run-marker.js';

export type { SpawnedUtility };

/** How long a resume waits for a leftover utility before it gives up (OEF-041); OEFLOW_LEFTOVER_WAIT_MS overrides. */
export const LEFTOVER_WAIT_MS = 60_000;

function waitFromEnv(): number {
  const text = process.env['OEFLOW_LEFTOVER_WAIT_MS'] ?? '';
  const n = Number(text);
  return text !== '' && Number.isFinite(n) && n >= 0 ? n : LEFTOVER_WAIT_MS;
}

/**
 * Journal data of a spawn note, read at once (the process cannot have been reaped yet): its start
 * time names it beyond its pid, and its spawn id what it starts (run-marker.ts).
 */
export function spawnNote(pid: number, argv: readonly string[], spawnId?: string): { spawned: SpawnedUtility } {
  const startTime = procStat(pid)?.startTime;
  return {
    spawned: {
      pid,
      host: hostname(),
      argv: [...argv],
      ...(startTime === undefined ? {} : { startTime }),
      ...(spawnId === undefined ? {} : { spawnId }),
    },
  };
}

/** Journal data of a site command's start: its shell's pid (the shell may exec its command). */
export function siteCommandNote(
  pid: number,
  argv: readonly string[],
  ownGroup: boolean,
  spawnId?: string,
): { spawned: SpawnedUtility } {
  return { spawned: { ...spawnNote(pid, argv, spawnId).spawned, siteCommand: { ownGroup } } };
}

/** Journal data of a site command's end. */
export function siteCommandEndNote(pid: number): { siteCommandEnded: { pid: number } } {
  return { siteCommandEnded: { pid } };
}

/**
 * True while the process lives: a group leader's group, else the pid with the start time recorded
 * at the spawn. Not the command line: a `$DLC/bin` script execs another program (`proshut` runs
 * `_mprshut`), so the utility's name need not be in it while it runs.
 */
function stillRunning(u: SpawnedUtility): boolean {
  if (u.siteCommand?.ownGroup === true) return groupAlive(u.pid);
  return sameProcessAlive(u.pid, u.startTime);
}

/**
 * What the run started on this host that still runs: journaled spawns without their command
 * row (or a site command's end), and processes carrying the run's marker whose spawn no row
 * names (a kill came between the spawn and its row).
 */
export function leftoverUtilities(rows: readonly JournalRow[]): SpawnedUtility[] {
  const open: { row: JournalEntry; u: SpawnedUtility }[] = [];
  const journaledSpawns = new Set<string>();
  for (const row of decodeJournal(rows)) {
    if (row.kind === 'note' && row.data.spawned !== null) {
      open.push({ row, u: row.data.spawned });
      if (row.data.spawned.spawnId !== undefined) journaledSpawns.add(row.data.spawned.spawnId);
    }
    const ended = row.kind === 'note' ? row.data.siteCommandEnded : null;
    if (ended !== null) {
      const i = open.findIndex(
        (o) => o.row.stepKey === row.stepKey && o.row.attempt === row.attempt && o.u.pid === ended.pid,
      );
      if (i >= 0) open.splice(i, 1);
    }
    if (row.kind === 'command') {
      const argv = canonicalJson(row.data.argv);
      const i = open.findIndex(
        (o) => o.row.stepKey === row.stepKey && o.row.attempt === row.attempt && canonicalJson(o.u.argv) === argv,
      );
      if (i >= 0) open.splice(i, 1);
    }
  }
  const journaled = open.map((o) => o.u).filter((u) => u.host === hostname() && stillRunning(u));
  const runId = rows[0]?.runId;
  // a process whose spawn is journaled is covered above (or ended as far as the run knows: what
  // it left running, e.g. the broker a proserve started, is not the run's to wait for)
  const unjournaled =
    runId === undefined
      ? []
      : markedProcesses(runId)
          .filter((p) => p.spawnId === null || !journaledSpawns.has(p.spawnId))
          .map((p): SpawnedUtility => ({
            pid: p.pid,
            host: hostname(),
            argv: p.argv,
            startTime: p.startTime,
            ...(p.spawnId === null ? {} : { spawnId: p.spawnId }),
          }));
  return [...journaled, ...unjournaled];
}

/** Wait (up to `waitMs`) for the run's leftover utilities to end; OEF-041 naming them if they do not. */
export async function waitForLeftovers(
  rows: readonly JournalRow[],
  runId: string,
  reporter: Reporter,
  waitMs = waitFromEnv(),
): Promise<void> {
  let left = leftoverUtilities(rows);
  if (left.length === 0) return;
  const names = (us: SpawnedUtility[]) => us.map((u) => `pid ${u.pid}: ${u.argv.join(' ')}`).join('; ');
  reporter({
    type: 'notice',
    runId,
    message: `waiting up to ${Math.round(waitMs / 1000)} s for what the interrupted run left running (${names(left)})`,
  });
  const deadline = Date.now() + waitMs;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = left.filter(stillRunning);
  }
  if (left.length > 0) {
    throw new OeflowError(
      'OEF-041',
      `run ${runId} cannot resume while a utility or site command it started is still running (${names(left)})`,
      { details: { runId, leftover: left } },
    );
  }
}
